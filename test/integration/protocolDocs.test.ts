import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HTTP_ROUTES } from '../../shared/api';
import { bundledCatalog } from '../../shared/catalog';
import { MAX_COINS, MAX_COUNT, MAX_ID_LENGTH, normalizeEvent } from '../../shared/normalize';
import { REPO_ROOT } from '../support/server';

interface Schema {
  examples: unknown[];
  properties: {
    count: { maximum: number };
    gift: { properties: { coins: { maximum: number } } };
  };
  $defs: { id: { maxLength: number } };
}

const schema = JSON.parse(
  readFileSync(join(REPO_ROOT, 'docs', 'schema', 'gift-event.schema.json'), 'utf8'),
) as Schema;

describe('docs/protocol.md and the JSON Schema', () => {
  it('state the limits the normalizer enforces, and their example is accepted', () => {
    expect(schema.properties.count.maximum).toBe(MAX_COUNT);
    expect(schema.properties.gift.properties.coins.maximum).toBe(MAX_COINS);
    expect(schema.$defs.id.maxLength).toBe(MAX_ID_LENGTH);
    for (const example of schema.examples) {
      const result = normalizeEvent(example, {
        now: Date.now(),
        catalog: bundledCatalog,
        origin: 'live',
        makeId: () => 'x',
      });
      expect(result.ok).toBe(true);
    }
  });

  it('document every HTTP route', () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs', 'protocol.md'), 'utf8');
    for (const [name, route] of Object.entries(HTTP_ROUTES)) {
      expect(doc, name).toContain(name);
      const shown = route.path.replace(/^\/api/, '');
      expect(doc.includes(route.path) || doc.includes(shown), route.path).toBe(true);
    }
  });
});
