// A light Block Kit check, so a malformed block fails here as `invalid_blocks` (as it would in
// Slack) instead of only in production. Covers the limits escalation messages are likely to hit,
// not all of Block Kit; messages copy Slack's "[ERROR] … [json-pointer:…]" style.

const BLOCK_TYPES = new Set([
  'actions', 'context', 'divider', 'file', 'header', 'image', 'input', 'markdown', 'rich_text', 'section', 'video',
  'table', 'context_actions',
]);

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function validateBlocks(blocks: unknown[]): string[] {
  const errors: string[] = [];
  const fail = (message: string, pointer: string) => errors.push(`[ERROR] ${message} [json-pointer:${pointer}]`);

  const textObject = (value: unknown, pointer: string, max: number, types: readonly string[] = ['plain_text', 'mrkdwn']) => {
    if (!isObj(value)) return fail('must provide an object', pointer);
    if (typeof value.type !== 'string' || !types.includes(value.type)) {
      return fail(`must be one of: ${types.join(', ')}`, `${pointer}/type`);
    }
    if (typeof value.text !== 'string') return fail('must provide a string', `${pointer}/text`);
    if (value.text.length === 0) return fail('must be more than 0 characters', `${pointer}/text`);
    if (value.text.length > max) return fail(`must be less than ${max + 1} characters`, `${pointer}/text`);
  };

  const element = (value: unknown, pointer: string) => {
    if (!isObj(value) || typeof value.type !== 'string') return fail('must provide an object with a type', pointer);
    if (value.type === 'button') {
      textObject(value.text, `${pointer}/text`, 75, ['plain_text']);
      if (value.action_id !== undefined && (typeof value.action_id !== 'string' || value.action_id.length > 255)) {
        fail('must be a string of at most 255 characters', `${pointer}/action_id`);
      }
      if (value.value !== undefined && (typeof value.value !== 'string' || value.value.length > 2000)) {
        fail('must be a string of at most 2000 characters', `${pointer}/value`);
      }
    }
  };

  if (blocks.length > 50) fail('no more than 50 items allowed', '/blocks');
  const blockIds = new Set<string>();
  blocks.forEach((block, i) => {
    const at = `/blocks/${i}`;
    if (!isObj(block)) return fail('must provide an object', at);
    if (typeof block.type !== 'string') return fail('missing required field: type', at);
    if (!BLOCK_TYPES.has(block.type)) return fail(`unsupported type: ${block.type}`, `${at}/type`);
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length > 255) {
        fail('must be a string of at most 255 characters', `${at}/block_id`);
      } else if (blockIds.has(block.block_id)) {
        fail(`duplicate block_id: ${block.block_id}`, `${at}/block_id`);
      } else {
        blockIds.add(block.block_id);
      }
    }
    switch (block.type) {
      case 'section': {
        if (block.text === undefined && block.fields === undefined) fail('must provide either text or fields', at);
        if (block.text !== undefined) textObject(block.text, `${at}/text`, 3000);
        if (block.fields !== undefined) {
          if (!Array.isArray(block.fields) || block.fields.length === 0 || block.fields.length > 10) {
            fail('must provide an array of 1 to 10 items', `${at}/fields`);
          } else {
            block.fields.forEach((f, j) => textObject(f, `${at}/fields/${j}`, 2000));
          }
        }
        if (block.accessory !== undefined) element(block.accessory, `${at}/accessory`);
        break;
      }
      case 'header':
        textObject(block.text, `${at}/text`, 150, ['plain_text']);
        break;
      case 'context':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) {
          fail('must provide an array of 1 to 10 items', `${at}/elements`);
        } else {
          block.elements.forEach((e, j) => {
            if (isObj(e) && e.type === 'image') return;
            textObject(e, `${at}/elements/${j}`, 3000);
          });
        }
        break;
      case 'actions':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 25) {
          fail('must provide an array of 1 to 25 items', `${at}/elements`);
        } else {
          const actionIds = new Set<string>();
          block.elements.forEach((e, j) => {
            element(e, `${at}/elements/${j}`);
            if (isObj(e) && typeof e.action_id === 'string') {
              if (actionIds.has(e.action_id)) fail(`duplicate action_id: ${e.action_id}`, `${at}/elements/${j}/action_id`);
              actionIds.add(e.action_id);
            }
          });
        }
        break;
      case 'image':
        if (typeof block.alt_text !== 'string') fail('missing required field: alt_text', at);
        if (typeof block.image_url !== 'string' && block.slack_file === undefined) fail('missing required field: image_url', at);
        break;
      case 'rich_text':
        if (!Array.isArray(block.elements)) fail('missing required field: elements', at);
        break;
      default:
        break;
    }
  });
  return errors;
}
