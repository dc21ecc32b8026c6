// actorPerson is the inverse of the API's actor labels (src/auth/principal.ts actorOf).
import { describe, expect, it } from 'vitest';
import { actorOf, type Principal } from '../../src/auth/principal.js';
import { actorPerson } from '../../workflows/kit/actor.js';

describe('actorPerson', () => {
  const tool: Principal = { kind: 'tool', tool: 'crm-sync', scopes: new Set(), via: 'api-key' };
  const person: Principal = { kind: 'person', person: 'riley-lead', scopes: new Set(), via: 'slack' };

  it('reads the person from every label the API records', () => {
    expect(actorPerson(actorOf(person).label)).toBe('riley-lead');
    expect(actorPerson(actorOf(tool, 'desk-agent').label)).toBe('desk-agent');
    expect(actorPerson(actorOf(tool).label)).toBeNull();
  });

  it('no person in anything else', () => {
    for (const actor of [undefined, '', 'Riley Lead', 'tool:x on behalf of Riley Lead', 'tool:x on behalf of a-b extra', 'someone on behalf of desk-agent']) {
      expect(actorPerson(actor), String(actor)).toBeNull();
    }
  });
});
