#include "viewer_assets.hpp"

namespace custos::viewer {

std::string viewer_html(std::string_view label, int pages) {
  // Printing shows nothing (print styles hide the body), images cannot be
  // dragged out, text cannot be selected; the script adds the rest.
  std::string html = R"(<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>Custos · )";
  html += label;
  html += R"(</title>
<style>
html,body{margin:0;background:#525659;font:14px sans-serif;user-select:none;-webkit-user-select:none}
#bar{position:fixed;top:0;left:0;right:0;height:40px;background:#323639;color:#eee;display:flex;gap:8px;align-items:center;padding:0 12px;z-index:2}
#bar button{background:#4a4e51;color:#eee;border:0;border-radius:3px;padding:4px 10px;font-size:14px}
#pages{padding:52px 0 24px;text-align:center}
#pages img{display:block;margin:0 auto 12px;box-shadow:0 1px 4px #0008;background:#fff;pointer-events:none;-webkit-user-drag:none}
#closed{color:#eee;padding:120px 24px;text-align:center;font-size:18px}
@media print{html,body{display:none!important;background:#fff}}
</style></head>
<body data-pages=")";
  html += std::to_string(pages);
  html += R"("><div id="bar"><button id="prev">◀</button><span id="where"></span><button id="next">▶</button>
<button id="out">−</button><span id="zoom"></span><button id="in">+</button><span id="note">仅供查看 · view only</span></div>
<div id="pages"></div><script src="/viewer.js"></script></body></html>
)";
  return html;
}

const std::string_view kViewerScript = R"JS('use strict';
(function () {
  const pages = Number(document.body.dataset.pages);
  const box = document.getElementById('pages');
  const where = document.getElementById('where');
  const zoomLabel = document.getElementById('zoom');
  let page = 1, zoom = 1.0, open = true;

  function show() {
    if (!open) return;
    const img = new Image();
    img.alt = '';
    img.draggable = false;
    img.id = 'page';
    img.src = '/page/' + page + '?zoom=' + zoom;
    box.replaceChildren(img);
    where.textContent = page + ' / ' + pages;
    zoomLabel.textContent = Math.round(zoom * 100) + '%';
    window.scrollTo(0, 0);
  }
  function go(to) { if (to >= 1 && to <= pages && to !== page) { page = to; show(); } }
  function zoomTo(z) { z = Math.min(4, Math.max(0.25, Math.round(z * 100) / 100)); if (z !== zoom) { zoom = z; show(); } }
  function close(reason) {
    if (!open) return;
    open = false;
    document.title = 'Custos';
    const note = document.createElement('div');
    note.id = 'closed';
    note.textContent = reason;
    document.getElementById('bar').remove();
    box.replaceWith(note);
  }
  document.getElementById('prev').onclick = () => go(page - 1);
  document.getElementById('next').onclick = () => go(page + 1);
  document.getElementById('in').onclick = () => zoomTo(zoom * 1.25);
  document.getElementById('out').onclick = () => zoomTo(zoom / 1.25);
  document.addEventListener('contextmenu', e => e.preventDefault());
  document.addEventListener('dragstart', e => e.preventDefault());
  document.addEventListener('copy', e => e.preventDefault());
  document.addEventListener('keydown', e => {
    const k = e.key.toLowerCase();
    if ((e.ctrlKey || e.metaKey) && (k === 's' || k === 'p' || k === 'c')) { e.preventDefault(); return; }
    if (k === 'arrowright' || k === 'pagedown') go(page + 1);
    else if (k === 'arrowleft' || k === 'pageup') go(page - 1);
    else if (k === 'home') go(1);
    else if (k === 'end') go(pages);
    else if (k === '+' || k === '=') zoomTo(zoom * 1.25);
    else if (k === '-') zoomTo(zoom / 1.25);
  });
  window.addEventListener('beforeprint', () => box.replaceChildren());
  window.addEventListener('afterprint', show);
  window.addEventListener('pagehide', () => navigator.sendBeacon('/close'));
  // The agent closes a view when its grant is revoked or expires, after
  // idle time, or when another tab closes it; the page learns within a
  // second and keeps nothing of the document.
  async function poll() {
    try {
      const r = await fetch('/state', {cache: 'no-store'});
      const s = await r.json();
      if (!s.open) { close(s.reason || 'This view is closed.'); return; }
    } catch (e) {
      close('This view is closed.');
      return;
    }
    setTimeout(poll, 1000);
  }
  show();
  setTimeout(poll, 1000);
})();
)JS";

}  // namespace custos::viewer
