/**
 * Discord's documented message limits, checked like Discord does: an error body with
 * code 50035 (Invalid Form Body) listing the offending fields, or 50006 for an empty
 * message. Lets the bot's tests prove its embeds and pagination stay within limits.
 */
export interface LimitError {
  status: 400;
  body: { message: string; code: number; errors?: Record<string, unknown> };
}

const len = (v: unknown) => (typeof v === 'string' ? [...v].length : 0);

export function checkMessageBody(body: Record<string, unknown>, opts: { allowEmpty?: boolean } = {}): LimitError | null {
  const problems: Record<string, string> = {};
  const content = body.content;
  if (content !== undefined && content !== null && typeof content !== 'string') problems['content'] = 'must be a string';
  if (len(content) > 2000) problems['content'] = `Must be 2000 or fewer in length (got ${len(content)}).`;
  const embeds = Array.isArray(body.embeds) ? (body.embeds as Record<string, unknown>[]) : [];
  if (embeds.length > 10) problems['embeds'] = `Must be 10 or fewer in length (got ${embeds.length}).`;
  let total = 0;
  embeds.forEach((e, i) => {
    const at = `embeds.${i}`;
    const check = (field: string, v: unknown, max: number) => {
      total += len(v);
      if (len(v) > max) problems[`${at}.${field}`] = `Must be ${max} or fewer in length (got ${len(v)}).`;
    };
    check('title', e.title, 256);
    check('description', e.description, 4096);
    check('footer.text', (e.footer as Record<string, unknown> | undefined)?.text, 2048);
    check('author.name', (e.author as Record<string, unknown> | undefined)?.name, 256);
    const fields = Array.isArray(e.fields) ? (e.fields as Record<string, unknown>[]) : [];
    if (fields.length > 25) problems[`${at}.fields`] = `Must be 25 or fewer in length (got ${fields.length}).`;
    fields.forEach((f, j) => {
      check(`fields.${j}.name`, f.name, 256);
      check(`fields.${j}.value`, f.value, 1024);
      if (!len(f.name)) problems[`${at}.fields.${j}.name`] = 'This field is required';
      if (!len(f.value)) problems[`${at}.fields.${j}.value`] = 'This field is required';
    });
  });
  if (total > 6000) problems['embeds'] = `Embed size exceeds maximum size of 6000 (got ${total}).`;
  const rows = Array.isArray(body.components) ? (body.components as Record<string, unknown>[]) : [];
  if (rows.length > 5) problems['components'] = `Must be 5 or fewer in length (got ${rows.length}).`;
  rows.forEach((row, i) => {
    const children = Array.isArray(row.components) ? (row.components as Record<string, unknown>[]) : [];
    if (row.type !== 1) problems[`components.${i}.type`] = 'top-level components must be action rows (type 1)';
    if (children.length === 0 || children.length > 5) problems[`components.${i}.components`] = `Must be between 1 and 5 in length (got ${children.length}).`;
    children.forEach((c, j) => {
      if (c.type === 2 && c.style !== 5 && !c.custom_id) problems[`components.${i}.components.${j}.custom_id`] = 'This field is required';
      if (len(c.custom_id) > 100) problems[`components.${i}.components.${j}.custom_id`] = 'Must be 100 or fewer in length.';
      if (len(c.label) > 80) problems[`components.${i}.components.${j}.label`] = 'Must be 80 or fewer in length.';
    });
  });
  if (Object.keys(problems).length) {
    return {
      status: 400,
      body: {
        message: 'Invalid Form Body',
        code: 50035,
        errors: Object.fromEntries(Object.entries(problems).map(([k, m]) => [k, { _errors: [{ code: 'BASE_TYPE_INVALID', message: m }] }])),
      },
    };
  }
  const empty = !len(content) && embeds.length === 0 && rows.length === 0 && !(Array.isArray(body.attachments) && body.attachments.length) && !body.sticker_ids && !body.poll;
  if (empty && !opts.allowEmpty) return { status: 400, body: { message: 'Cannot send an empty message', code: 50006 } };
  return null;
}
