"""The report page's stylesheet, inlined into every ``report.html`` (no external files)."""

CSS = """body{margin:0;background:#f4f5f7;color:#1f2328;
font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif}main{
max-width:1000px;margin:0 auto;padding:28px 24px}header{border-bottom:3px solid #3b6fb6;
margin-bottom:20px;padding-bottom:8px}h1{margin:0}h1 small{color:#57606a;font-weight:400;
font-size:17px}h2{font-size:19px;margin:0 0 10px}h3{font-size:14px;color:#57606a;margin:12px 0 4px}
.meta,.note{color:#57606a;font-size:13px}.grid{display:grid;
grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:0 18px;align-items:start}tbody th{
width:50%}section{background:#fff;border:1px solid #d8dee4;border-radius:8px;padding:16px 20px;
margin-bottom:18px}table{border-collapse:collapse;width:100%;font-size:14px}th,td{text-align:left;
padding:4px 10px;border-bottom:1px solid #eaeef2}thead th{color:#57606a;font-size:13px}td.num{
text-align:right;font-variant-numeric:tabular-nums}pre{background:#1f2328;color:#e6edf3;
padding:12px 14px;border-radius:6px;white-space:pre-wrap;overflow-wrap:anywhere;font-size:13px}
figure{margin:0 0 26px;text-align:center}figure img{max-width:100%;height:auto}figcaption{
font-size:13px;color:#57606a;margin-top:6px}"""
