#!/usr/bin/env python3
"""Writes src/Polycloud/ConfigurationSchema.json, the JSON schema of the "Polycloud" configuration section, from the
table "Every setting of every scheme" in docs/settings.md (which a test checks against the code). Run it after changing
that table: python3 eng/gen-config-schema.py. A test fails when the schema and the table disagree."""
import json, os, re
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rows = []
in_table = False
for line in open(os.path.join(root, 'docs', 'settings.md'), encoding='utf-8'):
    line = line.rstrip('\n')
    if line.startswith('## '):
        in_table = line == '## Every setting of every scheme'
        continue
    m = re.match(r'^\| (blobs|queues|functions|databases) \| `([^`]+)` \| ([^|]+) \|$', line)
    if in_table and m:
        settings = [] if m.group(3).strip() == 'none' else [s.strip().strip('`') for s in m.group(3).split(',')]
        scheme = m.group(2).split('://')[0]
        rows.append((m.group(1), scheme, settings))

def names(settings):
    out = ['Url', 'url']
    for s in settings:
        out += [s, s[0].upper() + s[1:]]
    return sorted(set(out))

def capability(cap, title):
    schemes = {}
    for c, scheme, settings in rows:
        if c == cap:
            schemes.setdefault(scheme, set()).update(settings)
    scheme_alt = '|'.join(re.escape(s) for s in sorted(schemes))
    url = {'type': 'string', 'pattern': f'^({scheme_alt})://', 'description': f'The {title} URL, for example ' + ', '.join(f"'{s}://…'" for s in sorted(schemes)) + '.'}
    conditions = [{'if': {'properties': {'Url': {'pattern': f'^{re.escape(s)}://'}}, 'required': ['Url']},
                   'then': {'propertyNames': {'enum': names(sorted(v))}}} for s, v in sorted(schemes.items())]
    obj = {'type': 'object', 'required': ['Url'], 'properties': {'Url': url}, 'additionalProperties': {'type': ['string', 'number', 'boolean']}, 'allOf': conditions}
    return {'type': 'object', 'description': f'Named {title}s: each a URL, or an object with Url and settings (see docs/settings.md).',
            'additionalProperties': {'oneOf': [url, obj]}}

worker = {'type': 'object', 'additionalProperties': False, 'properties': {
    'MaxConcurrency': {'type': 'integer', 'minimum': 1, 'maximum': 1000},
    'LeaseDuration': {'type': 'string'}, 'AutoRenewLease': {'type': 'boolean'}, 'MaxLeaseRenewal': {'type': 'string'},
    'WaitTime': {'type': 'string'}, 'RetryDelay': {'type': 'string'}, 'MaxRetryDelay': {'type': 'string'},
    'RetryJitter': {'type': 'boolean'}, 'ShutdownGracePeriod': {'type': 'string'}}}
schema = {
    '$schema': 'http://json-schema.org/draft-07/schema#',
    'description': 'Polycloud: portable cloud resources opened from configuration.',
    'type': 'object',
    'properties': {'Polycloud': {
        'type': 'object',
        'description': 'Polycloud resources and settings (docs/settings.md).',
        'additionalProperties': False,
        'properties': {
            'Blobs': capability('blobs', 'blob bucket'),
            'Queues': capability('queues', 'queue'),
            'Functions': capability('functions', 'function'),
            'Databases': capability('databases', 'database'),
            'Workers': {'type': 'object', 'description': 'Hosted queue workers, by queue name (docs/hosting.md).', 'additionalProperties': worker},
            'HealthChecks': {'type': 'object', 'description': 'Options of the Polycloud health checks (docs/hosting.md).'},
            'DisableHealthChecks': {'type': 'boolean'},
            'DisableTracing': {'type': 'boolean'},
            'Residency': {'type': 'object', 'description': 'Allowed regions, by default and per resource, checked at start-up (docs/cli.md).',
                          'additionalProperties': False, 'properties': {
                              'Default': {'type': 'array', 'items': {'type': 'string'}},
                              'Resources': {'type': 'object', 'additionalProperties': {'type': 'array', 'items': {'type': 'string'}}},
                              'OnUnknown': {'enum': ['Fail', 'Warn']}}},
        }}},
}
path = os.path.join(root, 'src', 'Polycloud', 'ConfigurationSchema.json')
with open(path, 'w', encoding='utf-8') as f:
    json.dump(schema, f, indent=2)
    f.write('\n')
print(f'wrote {path}: {len(rows)} scheme rows')
