/*
 * rqc-work: the calibration workloads of `rqc calibrate`. Built from this source like the
 * measuring helper (statically linked) and bind-mounted into the container, so the host and the
 * container run the same bytes: the calibration measures the container, not the image's
 * userland. No workload needs a shell or any other file of the image.
 *
 *   rqc-work WORKLOAD [--scale PCT]   runs one iteration of WORKLOAD (PCT% of its work, default 100)
 *   rqc-work mkdir DIR                makes DIR and its parents (the container's scratch directory)
 *   rqc-work noop                     exits at once (the child of the spawn workload)
 *   rqc-work --list | --version
 *
 * Every workload does a fixed amount of work (no time-based loops) and prints a checksum, so the
 * compiler cannot drop the work and two runs do exactly the same thing. Sizes aim at 50-200 ms
 * an iteration on a current x86-64 core.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define RQC_WORK_VERSION "2"

static double scale = 1.0;

static long long scaled(long long base) {
	long long n = (long long)((double)base * scale + 0.5);
	return n < 1 ? 1 : n;
}

/* Integer ALU: xorshift and multiply-add chains. */
static int work_cpu_int(void) {
	uint64_t x = 0x9E3779B97F4A7C15ULL, acc = 0;
	long long n = scaled(60000000LL);
	for (long long i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		acc += (x * 2654435761ULL) ^ (acc >> 3);
	}
	printf("%llu\n", (unsigned long long)acc);
	return 0;
}

/* Floating point: a dependent multiply-add recurrence plus a division every step. */
static int work_cpu_float(void) {
	double a = 1.0, b = 0.5, sum = 0.0;
	long long n = scaled(25000000LL);
	for (long long i = 0; i < n; i++) {
		a = a * 0.999999 + b;
		b = b * 0.5 + 1.0 / (a + 1.0);
		sum += a - b;
	}
	printf("%.6f\n", sum);
	return 0;
}

/* Memory bandwidth: streaming writes and reads over a 64 MiB buffer, allocated and faulted once. */
static int work_memory_bandwidth(void) {
	size_t words = (64u << 20) / sizeof(uint64_t);
	uint64_t *buffer = malloc(words * sizeof(uint64_t));
	if (buffer == NULL) {
		perror("malloc");
		return 1;
	}
	memset(buffer, 1, words * sizeof(uint64_t));
	uint64_t acc = 0;
	long long passes = scaled(12);
	for (long long p = 0; p < passes; p++) {
		for (size_t i = 0; i < words; i++) buffer[i] += (uint64_t)p;
		for (size_t i = 0; i < words; i += 8) acc += buffer[i];
	}
	printf("%llu\n", (unsigned long long)acc);
	free(buffer);
	return 0;
}

/* Page faults: map 32 MiB anonymous, touch one byte per page, unmap; repeated. */
static int work_page_faults(void) {
	size_t size = 32u << 20;
	long page = sysconf(_SC_PAGESIZE);
	uint64_t acc = 0;
	long long rounds = scaled(12);
	for (long long r = 0; r < rounds; r++) {
		unsigned char *area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (area == MAP_FAILED) {
			perror("mmap");
			return 1;
		}
		for (size_t i = 0; i < size; i += (size_t)page) area[i] = (unsigned char)(i + r);
		acc += area[size / 2];
		munmap(area, size);
	}
	printf("%llu\n", (unsigned long long)acc);
	return 0;
}

/* Small syscalls: getppid (never served by the vDSO) and one-byte pipe writes and reads. */
static int work_syscalls(void) {
	int fds[2];
	if (pipe(fds) != 0) {
		perror("pipe");
		return 1;
	}
	long long n = scaled(150000);
	long acc = 0;
	char byte = 'x';
	for (long long i = 0; i < n; i++) {
		acc += syscall(SYS_getppid) & 1;
		if (write(fds[1], &byte, 1) != 1 || read(fds[0], &byte, 1) != 1) {
			perror("pipe io");
			return 1;
		}
	}
	close(fds[0]);
	close(fds[1]);
	printf("%ld\n", acc);
	return 0;
}

/* Process spawn: fork + exec of this same binary (`noop`) and wait, N times. */
static int work_spawn(void) {
	long long n = scaled(200);
	for (long long i = 0; i < n; i++) {
		pid_t pid = fork();
		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			char *argv[] = {"rqc-work", "noop", NULL};
			char *envp[] = {NULL};
			execve("/proc/self/exe", argv, envp);
			_exit(127);
		}
		int status;
		if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "rqc-work: spawned child failed\n");
			return 1;
		}
	}
	printf("%lld\n", n);
	return 0;
}

/*
 * File I/O in the working directory: 2 cycles of write 48 MiB in 64 KiB blocks, fsync, read back,
 * remove. About 50 ms of CPU time (issue 15: at 24 MiB once, 12 ms, the per-file costs and the
 * timer were a visible part of it and its overhead moved with the size).
 */
static int work_file_io(void) {
	char name[64];
	snprintf(name, sizeof name, "rqc-work-io.%ld", (long)getpid());
	size_t block = 64u << 10;
	char *buffer = malloc(block);
	if (buffer == NULL) return 1;
	for (size_t i = 0; i < block; i++) buffer[i] = (char)(i * 31);
	long long blocks = scaled(1536);
	uint64_t acc = 0;
	for (int cycle = 0; cycle < 2; cycle++) {
		int fd = open(name, O_CREAT | O_TRUNC | O_WRONLY, 0600);
		if (fd < 0) {
			perror(name);
			return 1;
		}
		for (long long b = 0; b < (blocks + 1) / 2; b++) {
			if (write(fd, buffer, block) != (ssize_t)block) {
				perror("write");
				return 1;
			}
		}
		if (fsync(fd) != 0) {
			perror("fsync");
			return 1;
		}
		close(fd);
		fd = open(name, O_RDONLY);
		if (fd < 0) {
			perror(name);
			return 1;
		}
		ssize_t got;
		while ((got = read(fd, buffer, block)) > 0) acc += (unsigned char)buffer[got - 1];
		close(fd);
		unlink(name);
	}
	free(buffer);
	printf("%llu\n", (unsigned long long)acc);
	return 0;
}

static int make_directories(const char *path) {
	char copy[4096];
	if (strlen(path) >= sizeof copy) return 1;
	strcpy(copy, path);
	for (char *p = copy + 1; *p; p++) {
		if (*p != '/') continue;
		*p = '\0';
		if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
			perror(copy);
			return 1;
		}
		*p = '/';
	}
	if (mkdir(copy, 0700) != 0 && errno != EEXIST) {
		perror(copy);
		return 1;
	}
	return 0;
}

struct workload {
	const char *name;
	int (*run)(void);
};

static const struct workload WORKLOADS[] = {
	{"cpu-int", work_cpu_int},
	{"cpu-float", work_cpu_float},
	{"memory-bandwidth", work_memory_bandwidth},
	{"page-faults", work_page_faults},
	{"syscalls", work_syscalls},
	{"spawn", work_spawn},
	{"file-io", work_file_io},
};

int main(int argc, char **argv) {
	if (argc >= 2 && strcmp(argv[1], "--version") == 0) {
		printf("rqc-work %s\n", RQC_WORK_VERSION);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "--list") == 0) {
		for (size_t i = 0; i < sizeof WORKLOADS / sizeof WORKLOADS[0]; i++) printf("%s\n", WORKLOADS[i].name);
		return 0;
	}
	if (argc >= 2 && strcmp(argv[1], "noop") == 0) return 0;
	if (argc == 3 && strcmp(argv[1], "mkdir") == 0) return make_directories(argv[2]);
	if (argc != 2 && !(argc == 4 && strcmp(argv[2], "--scale") == 0)) {
		fprintf(stderr, "usage: rqc-work WORKLOAD [--scale PCT] | mkdir DIR | --list | --version\n");
		return 2;
	}
	if (argc == 4) {
		char *end;
		double pct = strtod(argv[3], &end);
		if (*end != '\0' || !(pct > 0 && pct <= 10000)) {
			fprintf(stderr, "rqc-work: --scale %s: must be a percentage above 0\n", argv[3]);
			return 2;
		}
		scale = pct / 100.0;
	}
	for (size_t i = 0; i < sizeof WORKLOADS / sizeof WORKLOADS[0]; i++) {
		if (strcmp(argv[1], WORKLOADS[i].name) == 0) return WORKLOADS[i].run();
	}
	fprintf(stderr, "rqc-work: unknown workload %s (rqc-work --list)\n", argv[1]);
	return 2;
}
