"""The check page's stylesheet: plain CSS, inlined in the page (no script, no network; prints as it shows).

It styles `body` and `main` too: a page that embeds the check page's fragments (the web app) scopes it.
"""

#: The stylesheet of the check report page.
CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f3f4f6;color:#1f2328;font:15px/1.6 "Noto Sans CJK SC","Source Han Sans SC",
"PingFang SC","Microsoft YaHei","Noto Serif CJK SC",SimSun,sans-serif;
-webkit-print-color-adjust:exact;print-color-adjust:exact}
main{max-width:1120px;margin:0 auto;padding:24px}
.report,.toc{background:#fff;border:1px solid #d0d7de;border-radius:6px;padding:24px 28px;margin-bottom:24px}
h1,h2,h3,h4{margin:0;line-height:1.4}
.rtitle{font-size:22px;margin:0 0 12px}
.part{font-size:18px;margin:28px 0 12px;padding-bottom:4px;border-bottom:2px solid #1f2328}
.fam{font-size:16px;margin:20px 0 8px}
a{color:#0b57d0}
code{font:13px/1.4 "Noto Sans Mono CJK SC",ui-monospace,Consolas,monospace;color:#57606a}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:2px 16px;margin:0 0 12px}
.meta dt{color:#57606a}.meta dd{margin:0;word-break:break-all}
.counts{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin:8px 0}
.badge{display:inline-block;padding:1px 10px;border-radius:12px;font-size:14px;font-weight:bold;
border:1px solid currentColor;white-space:nowrap}
.badge.error{color:#b42318;background:#fde8e7}.badge.warning{color:#9a5b00;background:#fff3d6}
.badge.info{color:#1d5fa8;background:#e6f0fb}
.verdict{margin:8px 0;font-weight:bold}
.legend{font-size:13px;color:#57606a;margin:8px 0 0}
.legend span.key{display:inline-block;width:14px;height:14px;vertical-align:-2px;margin:0 4px 0 10px}
.cap{font-weight:bold;margin:18px 0 6px}
table.official{border-collapse:collapse;width:100%;table-layout:fixed;font-size:13px;margin-bottom:8px}
table.official td,table.official th{border:1px solid #57606a;padding:3px 4px;text-align:center;
vertical-align:middle;word-break:break-all;font-weight:normal}
table.official th{background:#f6f8fa}
table.official th.rl{text-align:left}
table.official td.unread{background:repeating-linear-gradient(45deg,#fff,#fff 4px,#eef0f2 4px,#eef0f2 8px)}
table.official td.sev-error{background:#fde8e7;box-shadow:inset 0 0 0 2px #d92d20;font-weight:bold}
table.official td.sev-warning{background:#fff3d6;box-shadow:inset 0 0 0 2px #e0a000;font-weight:bold}
table.official td.sev-info{background:#e6f0fb;box-shadow:inset 0 0 0 1px #5b8fd0}
table.official td.involved{background:#fff;box-shadow:inset 0 0 0 1px #8c959f;font-weight:normal}
table.official sup{display:block;font-size:10px;line-height:1.2;font-weight:normal;margin-top:1px}
table.official sup a{text-decoration:none;white-space:nowrap;word-break:normal}
table.official .expect{display:block;font-size:11px;color:#b42318;font-weight:normal;line-height:1.2}
.legend .sev-error{background:#fde8e7;box-shadow:inset 0 0 0 2px #d92d20}
.legend .sev-warning{background:#fff3d6;box-shadow:inset 0 0 0 2px #e0a000}
.legend .sev-info{background:#e6f0fb;box-shadow:inset 0 0 0 1px #5b8fd0}
.legend .involved{background:#fff;box-shadow:inset 0 0 0 1px #8c959f}
.legend .unread{background:repeating-linear-gradient(45deg,#fff,#fff 3px,#d0d7de 3px,#d0d7de 5px);
border:1px solid #d0d7de}
ol.findings{list-style:none;padding:0;margin:0}
.finding{border:1px solid #d0d7de;border-left:5px solid #8c959f;border-radius:4px;padding:10px 14px;
margin:10px 0;break-inside:avoid}
.finding.sev-error{border-left-color:#d92d20}.finding.sev-warning{border-left-color:#e0a000}
.finding.sev-info{border-left-color:#5b8fd0}
.finding.dismissed{opacity:.6}
.fhead{display:flex;flex-wrap:wrap;gap:6px 10px;align-items:baseline}
.fno{color:#57606a;font-size:13px}
.code{font-weight:bold;font-size:15px}
.title{font-weight:bold}
.tag{font-size:12px;padding:0 6px;border-radius:3px;border:1px solid #d0d7de;background:#f6f8fa;white-space:nowrap}
.tag.error{color:#b42318;border-color:#f4b4ae;background:#fde8e7}
.tag.warning{color:#9a5b00;border-color:#f0cf80;background:#fff3d6}
.tag.info{color:#1d5fa8;border-color:#a9c7ec;background:#e6f0fb}
.msg{margin:6px 0}
.where{font-size:13px;color:#57606a;margin:4px 0}
table.refs{border-collapse:collapse;font-size:13px;margin:6px 0;width:100%}
table.refs th,table.refs td{border:1px solid #d0d7de;padding:2px 8px;text-align:left;vertical-align:top}
table.refs th{background:#f6f8fa;font-weight:normal;color:#57606a;white-space:nowrap}
table.refs td.num{white-space:nowrap}
table.refs td.bad{color:#b42318;font-weight:bold}
.none{color:#8c959f}
blockquote{margin:6px 0;padding:4px 10px;background:#f6f8fa;border-left:3px solid #d0d7de;font-size:13px}
blockquote .ln{color:#8c959f;margin-right:8px;white-space:nowrap}
blockquote .src{white-space:pre-wrap;tab-size:4;word-break:break-all}
mark{background:#fff0b3;padding:0 1px}
mark.bad{background:#f9c0bb;color:#8f1d14;font-weight:bold}
.empty{color:#57606a}
details.unassessed{margin:10px 0}
details.unassessed>summary{cursor:pointer;color:#57606a;font-size:14px;padding:4px 0}
details.tech{margin:4px 0;font-size:12px;color:#57606a}
details.tech>summary{cursor:pointer}
details.tech dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 8px;margin:4px 0}
details.tech dd{margin:0;word-break:break-all}
details.tech dd code{display:block}
table.toc-list{border-collapse:collapse;width:100%;font-size:14px}
table.toc-list th,table.toc-list td{border:1px solid #d0d7de;padding:4px 8px;text-align:left}
table.toc-list th{background:#f6f8fa;font-weight:normal;color:#57606a}
table.toc-list td.n{text-align:right;font-variant-numeric:tabular-nums}
@media print{body{background:#fff}main{padding:0;max-width:none}.report,.toc{border:0;padding:0}
.report+.report,.toc+.report{break-before:page}a{color:inherit;text-decoration:none}}
"""
