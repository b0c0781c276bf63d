/**
 * The page's one stylesheet. Light by default, dark under `prefers-color-scheme: dark`, plain black
 * on white in print; one column on a phone, the wide table and charts scroll sideways in their own box.
 * Series colours are a colour-blind-safe set, one shade per theme.
 */
export const STYLES = `
:root{color-scheme:light dark;--bg:#f6f7f9;--fg:#1b1f24;--muted:#5b6470;--card:#fff;--line:#dde1e6;--grid:#e9ecef;
--accent:#0a58ca;--bad-bg:#fdecea;--bad-fg:#8a1c12;--bad-line:#e8a49c;--prev:#9aa3ad;
--c0:#0072b2;--c1:#e69f00;--c2:#009e73;--c3:#cc79a7;--c4:#56b4e9;--c5:#d55e00;--c6:#7a5c00;--c7:#6a3d9a}
@media (prefers-color-scheme:dark){:root{--bg:#111418;--fg:#e6e9ed;--muted:#9aa4af;--card:#1b2026;--line:#2f363e;
--grid:#262c33;--accent:#6ea8fe;--bad-bg:#3a1713;--bad-fg:#ffb4a9;--bad-line:#7a2e25;--prev:#6b737c;
--c0:#4aa8e0;--c1:#f2b53a;--c2:#2fc49a;--c3:#e09ac4;--c4:#8fd0f5;--c5:#ff8a4c;--c6:#d8b64a;--c7:#b48ee0}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
main{max-width:1180px;margin:0 auto;padding:20px 16px 32px}
h1{font-size:1.45rem;margin:0 0 4px}
h2{font-size:1.1rem;margin:28px 0 10px}
.meta,.demo,footer{color:var(--muted);margin:0;font-size:.9rem}
.demo{margin-top:4px}
.banner{margin:16px 0;padding:10px 14px;border:1px solid var(--bad-line);border-radius:8px;background:var(--bad-bg);color:var(--bad-fg)}
.banner p{margin:0 0 4px;font-weight:600}.banner ul{margin:0;padding-left:20px}
.statuses{list-style:none;display:flex;flex-wrap:wrap;gap:8px;padding:0;margin:14px 0}
.status{background:var(--card);border:1px solid var(--line);border-radius:999px;padding:3px 12px;font-size:.88rem;overflow-wrap:anywhere}
.status .dot{display:inline-block;width:8px;height:8px;border-radius:50%;margin-right:6px;background:var(--prev)}
.status.ok .dot{background:var(--c2)}.status.error .dot{background:var(--c5)}
.status .state,.status .detail{color:var(--muted)}.status .more{text-decoration:underline dotted}.status.error{border-color:var(--bad-line)}
.totals{display:grid;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));gap:12px;margin:12px 0}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px;margin:0}
.stat .label{color:var(--muted);font-size:.85rem}.stat .value{font-size:1.5rem;font-weight:650;font-variant-numeric:tabular-nums}
.stat .note{color:var(--muted);font-size:.8rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,520px),1fr));gap:12px}
figcaption{font-weight:600;margin-bottom:6px}
.scroll{overflow-x:auto}
svg.chart{display:block;width:100%;height:auto;min-width:460px;font-size:12px}
#usage-figure{grid-column:1/-1}#usage-chart{min-width:640px;font-size:10px}
svg .axis text{fill:var(--muted)}svg .axis line{stroke:var(--grid);stroke-width:1}
svg rect.previous,.cprev{fill:var(--prev);background:var(--prev)}
.c0{fill:var(--c0);background:var(--c0)}.c1{fill:var(--c1);background:var(--c1)}.c2{fill:var(--c2);background:var(--c2)}
.c3{fill:var(--c3);background:var(--c3)}.c4{fill:var(--c4);background:var(--c4)}.c5{fill:var(--c5);background:var(--c5)}
.c6{fill:var(--c6);background:var(--c6)}.c7{fill:var(--c7);background:var(--c7)}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:4px 14px;padding:0;margin:8px 0 0;font-size:.85rem;color:var(--muted)}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.empty{color:var(--muted);margin:24px 0;text-align:center}
.table-wrap{background:var(--card);border:1px solid var(--line);border-radius:10px}
.table-tools{display:flex;justify-content:flex-end;margin:0 0 8px}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:6px 10px;border-bottom:1px solid var(--grid);text-align:left;vertical-align:top}
th{font-size:.85rem;color:var(--muted);white-space:nowrap}
.num{text-align:right;white-space:nowrap}
td.key{min-width:25ch;max-width:40ch;overflow-wrap:anywhere}
td.sub{padding-left:30px;color:var(--muted)}
tr.detail td{font-size:.88rem;color:var(--muted);background:var(--bg)}
tfoot td{font-weight:650;border-bottom:0}
th button,.table-tools button,.toggle{font:inherit;color:inherit;background:none;border:0;padding:0;cursor:pointer}
th button:hover,th button:focus-visible{color:var(--accent);text-decoration:underline}
th[aria-sort=descending] button::after{content:" ▾"}th[aria-sort=ascending] button::after{content:" ▴"}
.toggle{width:1.4em;color:var(--accent)}.toggle[aria-expanded=true]{transform:rotate(90deg)}
.table-tools button{color:var(--accent);font-size:.88rem}
footer{margin-top:20px}footer p{margin:4px 0}
@media (max-width:640px){main{padding:14px 10px}h1{font-size:1.2rem}.tools{display:none}
table{font-size:.86rem}th,td{padding:6px 5px}td.key{min-width:15ch;max-width:24ch;word-break:break-all}.stat .value{font-size:1.25rem}}
@media print{:root{--bg:#fff;--fg:#000;--card:#fff;--muted:#333;--line:#bbb;--grid:#ddd}
body{font-size:11pt}main{max-width:none;padding:0}.table-tools,.toggle{display:none}
tr.detail[hidden]{display:table-row}.scroll{overflow:visible}svg.chart{min-width:0}
figure,tr,.card{break-inside:avoid}}
`;
