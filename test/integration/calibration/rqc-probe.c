/*
 * A user's benchmark stand-in for the calibration tests (issue 15): static, so the same file runs
 * bare metal and in the container, and deliberately unlike rqc-work's workloads.
 *
 *   rqc-probe cpu [--scale PCT]   sorts 480 pseudo-random arrays of 5,000 ints (CPU-bound)
 *   rqc-probe io  [--scale PCT]   writes 32 MiB in 64 KiB blocks to $RQC_SCRATCH_DIR, fsync, reads back; 2 times
 *
 * --scale 105 does 5% more of the same work (the repeated unit is small), for "the next release,
 * 5% slower".
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int compare_ints(const void *a, const void *b) {
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int run_cpu(double scale) {
	enum {N = 100000};
	static int values[N];
	long long units = (long long)(480 * scale + 0.5); /* 480 sorts of 5,000 ints at 100% */
	uint64_t acc = 0;
	for (long long u = 0; u < units; u++) {
		uint32_t x = 2463534242u + (uint32_t)u;
		int n = N / 20;
		for (int i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			values[i] = (int)(x & 0x7fffffff);
		}
		qsort(values, (size_t)n, sizeof values[0], compare_ints);
		acc += (uint64_t)values[n / 2];
	}
	printf("%llu\n", (unsigned long long)acc);
	return 0;
}

static int run_io(double scale) {
	const char *dir = getenv("RQC_SCRATCH_DIR");
	char name[4096];
	snprintf(name, sizeof name, "%s/rqc-probe.%ld", dir ? dir : ".", (long)getpid());
	enum {BLOCK = 64 * 1024};
	static char buffer[BLOCK];
	memset(buffer, 7, sizeof buffer);
	long long blocks = (long long)(1024 * scale + 0.5); /* 2 x 32 MiB at 100% */
	uint64_t acc = 0;
	for (int pass = 0; pass < 2; pass++) {
		int fd = open(name, O_CREAT | O_TRUNC | O_WRONLY, 0600);
		if (fd < 0) {
			perror(name);
			return 1;
		}
		for (long long b = 0; b < blocks / 2; b++) {
			if (write(fd, buffer, BLOCK) != BLOCK) return 1;
		}
		if (fsync(fd) != 0) return 1;
		close(fd);
		fd = open(name, O_RDONLY);
		ssize_t got;
		while ((got = read(fd, buffer, BLOCK)) > 0) acc += (unsigned char)buffer[0];
		close(fd);
		unlink(name);
	}
	printf("%llu\n", (unsigned long long)acc);
	return 0;
}

int main(int argc, char **argv) {
	double scale = 1.0;
	if (argc == 4 && strcmp(argv[2], "--scale") == 0) scale = atof(argv[3]) / 100.0;
	else if (argc != 2) {
		fprintf(stderr, "usage: rqc-probe cpu|io [--scale PCT]\n");
		return 2;
	}
	if (!(scale > 0)) return 2;
	if (strcmp(argv[1], "cpu") == 0) return run_cpu(scale);
	if (strcmp(argv[1], "io") == 0) return run_io(scale);
	fprintf(stderr, "rqc-probe: unknown workload %s\n", argv[1]);
	return 2;
}
