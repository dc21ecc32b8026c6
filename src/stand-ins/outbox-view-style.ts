// The outbox page's stylesheet (inline: the page's CSP allows no other source).
export const STYLE = `
:root { --bg: #f4f5f7; --card: #fff; --ink: #1d1c1d; --muted: #616061; --line: #e1e1e1; --slack: #4a154b; --email: #1a73e8; --ticket: #b3261e; --case: #00796b; --link: #1264a3; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink); font: 15px/1.45 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
a { color: var(--link); }
code { font: 12.5px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #f0f0f0; border-radius: 3px; padding: 0 3px; }
.page-head { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: 12px 32px; align-items: flex-end; justify-content: space-between; padding: 16px 24px; background: var(--card); border-bottom: 1px solid var(--line); }
h1 { margin: 0; font-size: 22px; }
.sub { margin: 4px 0 0; color: var(--muted); font-size: 13px; }
.filters { display: flex; flex-wrap: wrap; gap: 10px; align-items: center; font-size: 13px; }
.filters label { display: flex; gap: 6px; align-items: center; color: var(--muted); }
.filters input, .filters select, .filters button { font: inherit; padding: 4px 8px; border: 1px solid #c9c9c9; border-radius: 6px; background: #fff; color: var(--ink); }
.filters button { background: var(--ink); color: #fff; border-color: var(--ink); cursor: pointer; }
main { max-width: 980px; margin: 0 auto; padding: 20px 24px 48px; display: grid; gap: 16px; }
.empty { text-align: center; color: var(--muted); padding: 48px 0; }
.item { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; box-shadow: 0 1px 2px rgba(0,0,0,.04); }
.item.slack { border-left: 4px solid var(--slack); }
.item.email { border-left: 4px solid var(--email); }
.item.ticket { border-left: 4px solid var(--ticket); }
.item.case, .item.case-note { border-left: 4px solid var(--case); }
.item.case-note { margin-left: 32px; }
.item.slack.reply { margin-left: 32px; }
.item-head { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; font-size: 13px; color: var(--muted); margin-bottom: 10px; }
.item-head .title { color: var(--ink); font-weight: 600; font-size: 14px; }
.spacer { flex: 1; }
.badge { font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; padding: 2px 7px; border-radius: 999px; color: #fff; }
.badge-slack { background: var(--slack); }
.badge-email { background: var(--email); }
.badge-ticket { background: var(--ticket); }
.badge-case { background: var(--case); }
.thread, .edited { background: #f3eef3; color: var(--slack); border-radius: 999px; padding: 1px 8px; }
.edited { background: #fff4e5; color: #8a5300; }
.item.outdated { opacity: .6; }
.item.outdated .btn { text-decoration: line-through; }
.esc { font-weight: 600; }
.esc.none { font-weight: 400; font-style: italic; }
.muted { color: var(--muted); }
.mail-headers, .kv { display: grid; grid-template-columns: max-content 1fr; gap: 3px 14px; margin: 0 0 12px; font-size: 14px; }
.mail-headers dt, .kv dt { color: var(--muted); text-align: right; }
.mail-headers dd, .kv dd { margin: 0; word-break: break-word; }
.mail-body { width: 100%; height: 420px; border: 1px solid var(--line); border-radius: 6px; background: #fff; resize: vertical; overflow: auto; }
.mail-text, .json { white-space: pre-wrap; word-break: break-word; background: #fafafa; border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; margin: 0; }
details { margin-top: 10px; font-size: 13px; }
summary { cursor: pointer; color: var(--muted); }
details > :not(summary) { margin-top: 8px; }
.chip { display: inline-block; background: #eef3fd; color: #174ea6; border-radius: 999px; padding: 0 8px; }
.slack-msg { display: flex; gap: 10px; }
.avatar { flex: none; width: 36px; height: 36px; border-radius: 6px; background: var(--slack); color: #fff; font-weight: 700; font-size: 13px; display: grid; place-items: center; }
.msg-body { min-width: 0; flex: 1; }
.author { font-weight: 700; font-size: 15px; }
.author .muted { font-weight: 400; font-size: 12px; }
.app-tag { font-size: 10px; font-weight: 600; background: #e8e8e8; color: var(--muted); border-radius: 3px; padding: 1px 4px; vertical-align: 1px; }
.msg-content { margin-top: 2px; word-break: break-word; }
.mention { background: #fff3c4; color: var(--link); border-radius: 3px; padding: 0 2px; font-weight: 600; }
.mention.broadcast { background: #fde7a9; color: #8a5300; }
.channel-ref { color: var(--link); }
.quote { display: block; border-left: 4px solid #ddd; padding-left: 10px; color: #444; }
pre.code { background: #f8f8f8; border: 1px solid var(--line); border-radius: 4px; padding: 8px; white-space: pre-wrap; margin: 4px 0; }
.blk { margin: 6px 0; }
.blk.header { font-size: 17px; font-weight: 800; }
.blk.divider { border: 0; border-top: 1px solid var(--line); }
.blk.section { display: flex; gap: 12px; align-items: flex-start; }
.sec-main { flex: 1; min-width: 0; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 6px 16px; margin-top: 6px; }
.blk.context { display: flex; flex-wrap: wrap; gap: 4px 10px; font-size: 12.5px; color: var(--muted); }
.blk.actions { display: flex; flex-wrap: wrap; gap: 8px; }
.btn { display: inline-block; border: 1px solid #c9c9c9; border-radius: 4px; padding: 3px 12px; font-size: 13.5px; font-weight: 700; background: #fff; }
.btn.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.btn.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
.btn.ghost { font-weight: 400; color: var(--muted); border-style: dashed; }
.blk.unknown, .img-alt, .blk.image { color: var(--muted); font-style: italic; }
.mentions { margin-top: 10px; font-size: 12.5px; color: var(--muted); display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.row-fields { border-collapse: collapse; font-size: 13.5px; margin: 6px 0; }
.row-fields th { text-align: left; font-weight: 600; color: var(--muted); padding: 2px 12px 2px 0; vertical-align: top; }
.row-fields td { padding: 2px 0; word-break: break-word; }
.fallback { background: #fafafa; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
`;
