"""A strict check of a JUnit XML report against the structure of Jenkins' junit-10.xsd (the
schema GitLab, Jenkins and the GitHub test-report actions read): parses with xml.etree, checks
every element's place, attributes and required attributes, and that the counts add up. Prints
the test cases as JSON on success; exits 1 naming the first violation otherwise."""
import json
import re
import sys
import xml.etree.ElementTree as ET

ATTRS = {
    'testsuites': ({'name', 'time', 'tests', 'failures', 'disabled', 'errors'}, set()),
    'testsuite': ({'name', 'tests', 'failures', 'errors', 'time', 'disabled', 'skipped', 'timestamp', 'hostname', 'id', 'package', 'file', 'log', 'url', 'version'}, {'name', 'tests'}),
    'properties': (set(), set()),
    'property': ({'name', 'value'}, {'name', 'value'}),
    'testcase': ({'name', 'assertions', 'time', 'classname', 'status', 'file', 'line'}, {'name'}),
    'failure': ({'message', 'type'}, set()),
    'error': ({'message', 'type'}, set()),
    'skipped': ({'message'}, set()),
    'system-out': (set(), set()),
    'system-err': (set(), set()),
}
CHILDREN = {
    'testsuites': {'testsuite'},
    'testsuite': {'properties', 'testcase', 'system-out', 'system-err'},
    'properties': {'property'},
    'testcase': {'skipped', 'error', 'failure', 'system-out', 'system-err'},
}
INTEGER = re.compile(r'^[0-9]+$')
DECIMAL = re.compile(r'^-?[0-9]+(\.[0-9]+)?$')


def fail(message):
    print(message, file=sys.stderr)
    sys.exit(1)


def check(element):
    allowed, required = ATTRS.get(element.tag, (None, None))
    if allowed is None:
        fail(f'unknown element <{element.tag}>')
    extra = set(element.attrib) - allowed
    if extra:
        fail(f'<{element.tag}> has attributes the schema does not allow: {sorted(extra)}')
    missing = required - set(element.attrib)
    if missing:
        fail(f'<{element.tag}> lacks required attributes {sorted(missing)}')
    for key in ('tests', 'failures', 'errors', 'skipped', 'disabled'):
        if key in element.attrib and not INTEGER.match(element.attrib[key]):
            fail(f'<{element.tag} {key}="{element.attrib[key]}"> is not an integer')
    if 'time' in element.attrib and not DECIMAL.match(element.attrib['time']):
        fail(f'<{element.tag} time="{element.attrib["time"]}"> is not a decimal')
    for child in element:
        if child.tag not in CHILDREN.get(element.tag, set()):
            fail(f'<{child.tag}> may not appear in <{element.tag}>')
        check(child)


root = ET.fromstring(sys.stdin.buffer.read())
if root.tag != 'testsuites':
    fail(f'the root is <{root.tag}>, not <testsuites>')
check(root)
cases = []
for suite in root:
    order = [child.tag for child in suite]
    # xs:sequence: properties?, testcase*, system-out?, system-err?
    rank = {'properties': 0, 'testcase': 1, 'system-out': 2, 'system-err': 3}
    if [rank[t] for t in order] != sorted(rank[t] for t in order) or order.count('properties') > 1:
        fail(f'<testsuite> children out of the schema order: {order}')
    testcases = suite.findall('testcase')
    counted = {kind: sum(1 for case in testcases if case.find(kind) is not None) for kind in ('failure', 'error', 'skipped')}
    if int(suite.get('tests')) != len(testcases):
        fail(f'tests="{suite.get("tests")}" but {len(testcases)} testcases')
    for kind, attribute in (('failure', 'failures'), ('error', 'errors'), ('skipped', 'skipped')):
        if int(suite.get(attribute, '0')) != counted[kind]:
            fail(f'{attribute}="{suite.get(attribute)}" but {counted[kind]} <{kind}> elements')
    for case in testcases:
        outcome = next((child for child in case if child.tag in ('failure', 'error', 'skipped')), None)
        cases.append({
            'name': case.get('name'),
            'classname': case.get('classname'),
            'kind': outcome.tag if outcome is not None else 'passed',
            'type': outcome.get('type') if outcome is not None else None,
            'message': outcome.get('message') if outcome is not None else (case.findtext('system-out') or ''),
        })
for key in ('tests', 'failures', 'errors'):
    if int(root.get(key, '0')) != sum(int(suite.get(key, '0')) for suite in root):
        fail(f'<testsuites {key}> is not the sum over its suites')
print(json.dumps({'cases': cases, 'properties': {p.get('name'): p.get('value') for p in root.iter('property')}}))
