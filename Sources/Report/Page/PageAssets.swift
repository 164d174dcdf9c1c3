import Crypto
import Foundation

/// The page's style and script, and the Content-Security-Policy that allows exactly them: the
/// browser itself then refuses any other script, style, image, font or connection, so "no
/// network" is a rule it enforces, and text that slipped through as markup could run nothing.
enum PageAssets {
    /// `default-src 'none'`; the inline style and script allowed by their SHA-256, never by
    /// `'unsafe-inline'`; no `<base>` and no form submission anywhere.
    static let contentSecurityPolicy = "default-src 'none'; script-src '\(hash(script))'; style-src '\(hash(style))'; "
        + "base-uri 'none'; form-action 'none'"

    static func hash(_ text: String) -> String {
        "sha256-" + Data(SHA256.hash(data: Array(text.utf8))).base64EncodedString()
    }

    static let style = """

        :root { --ink: #1a1a1a; --muted: #555; --line: #c8c8c8; --accent: #31446B; --over: #D55E00; }
        * { box-sizing: border-box; }
        [hidden] { display: none !important; }
        body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; padding: 1rem 1.2rem 4rem;
          color: var(--ink); max-width: 1400px; line-height: 1.4; }
        h1 { margin: 0; font-size: 1.5rem; } h2 { font-size: 1.25rem; margin: 1.6rem 0 .5rem; border-bottom: 2px solid var(--accent); }
        h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
        h2, h3, figcaption, caption { break-after: avoid; }
        .asof, .note, .more { color: var(--muted); } .note, .more { font-size: .9rem; }
        nav ul { display: flex; flex-wrap: wrap; gap: .2rem 1rem; list-style: none; padding: 0; margin: .4rem 0; }
        a { color: #0b4f8a; }
        #held { border: 2px solid var(--over); border-left-width: 8px; border-radius: 4px; padding: .6rem .9rem; margin: .6rem 0; }
        #action ul { list-style: none; padding: 0; margin: 0; display: grid; gap: .5rem;
          grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); }
        #action li a { display: block; height: 100%; border: 1px solid var(--line); border-left: 6px solid #767676;
          border-radius: 4px; padding: .5rem .7rem; color: var(--ink); text-decoration: none; }
        #action li.urgent a { border-left-color: var(--over); } #action li a:hover, #action li a:focus { background: #f4f4f4; }
        #action .count { display: block; font-size: 1.7rem; font-weight: 700; } #action li.zero .count { color: var(--muted); }
        #filters { display: flex; flex-wrap: wrap; gap: .4rem 1rem;
          align-items: center; padding: .5rem 0; margin-top: 1rem; border-bottom: 1px solid var(--line); }
        #filters select { max-width: 16rem; font: inherit; } #filters output { color: var(--muted); font-size: .9rem; }
        dl.headline { display: flex; flex-wrap: wrap; gap: .5rem; margin: 0; }
        dl.headline div { border: 1px solid var(--line); border-radius: 4px; padding: .3rem .7rem; }
        dl.headline dt { font-size: .8rem; color: var(--muted); } dl.headline dd { margin: 0; font-size: 1.2rem; font-weight: 700; }
        .scroll { overflow-x: auto; max-width: 100%; }
        table { border-collapse: collapse; font-size: .85rem; margin: .3rem 0 .8rem; }
        th, td { border: 1px solid var(--line); padding: 2px 6px; text-align: left; vertical-align: top; }
        thead th { background: #eef0f5; } table.paged td { white-space: nowrap; } td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        caption { text-align: left; color: var(--muted); font-size: .85rem; padding-bottom: .3rem; }
        .code { font-weight: 600; } .name { color: var(--muted); font-size: .85em; }
        table.heatmap th[scope=row] { position: sticky; left: 0; background: #fff; min-width: 11rem; }
        table.heatmap thead th .name { display: block; max-width: 9rem; overflow-wrap: break-word; hyphens: auto; }
        table.heatmap td { text-align: center; min-width: 3.8rem; cursor: pointer; font-variant-numeric: tabular-nums; }
        .b0 { background: #958F78; color: #000; } .b1 { background: #666970; color: #fff; }
        .b2 { background: #31446B; color: #fff; } .b3 { background: #00204D; color: #fff; }
        td.over, .swatch.over { outline: 3px solid var(--over); outline-offset: -3px; }
        .oc { display: block; font-size: .75rem; font-weight: 700; }
        td.nc, .swatch.nc { background: #fff; color: #000; border: 1px dashed #767676; }
        .legend { display: flex; flex-wrap: wrap; gap: .3rem; font-size: .8rem; margin: .2rem 0; }
        .swatch { padding: 1px 6px; border-radius: 2px; }
        figure { margin: .4rem 0 .8rem; break-inside: avoid; } figcaption { font-size: .85rem; }
        .multiples { display: flex; flex-wrap: wrap; gap: .5rem 1.2rem; }
        section.per-code { margin: .6rem 0 1rem; } section.per-code h3 { margin-bottom: .1rem; }
        .sev { font-size: .8rem; font-weight: normal; padding: 0 .4rem; border-radius: 3px; background: #eee; }
        .sev-error .sev { background: var(--over); color: #000; } .total { color: var(--muted); }
        ul.findings { padding-left: 1.2rem; margin: .3rem 0; } ul.findings li { margin: .25rem 0; }
        li.new .badge { background: var(--accent); color: #fff; font-size: .75rem; padding: 0 .3rem; border-radius: 3px; }
        .sources, td.source { color: var(--muted); font-size: .8rem; word-break: break-all; } code.fp { color: var(--muted); font-size: .75rem; white-space: nowrap; } td.where { white-space: nowrap; font-size: .8rem; }
        button { font: inherit; font-size: .8rem; cursor: pointer; }
        ul.counts { display: flex; flex-wrap: wrap; gap: .3rem 1rem; list-style: none; padding: 0; }
        .pager { font-size: .85rem; margin-bottom: 1rem; } .pager button { margin-right: .4rem; }
        #drill { position: fixed; left: 0; right: 0; bottom: 0; max-height: 55vh; overflow: auto; z-index: 10; background: #fff;
          border-top: 3px solid var(--accent); box-shadow: 0 -3px 10px rgba(0,0,0,.25); padding: .5rem 1.2rem 1rem; }
        #drill h2 { border: 0; margin-top: .2rem; } #drill-close { float: right; }
        g.bar { cursor: pointer; } g.bar:focus, table.heatmap td:focus { outline: 2px solid var(--accent); }
        @media screen { .paged-out, ul.folded > li.folded-item { display: none; } }
        html:not(.js) button.drill { display: none; }
        @media (max-width: 600px) {
          body { padding: .5rem .6rem 4rem; } #filters label { width: 100%; }
          #filters select { max-width: 100%; width: 100%; } table.heatmap th[scope=row] { min-width: 7rem; }
        }
        @page { size: A4; margin: 12mm; }
        @page wide { size: A4 landscape; }
        @media print {
          body { max-width: none; padding: 0; font-size: 10pt; }
          #filters, #drill, nav, .pager, button { display: none !important; }
          .scroll { overflow: visible; } #coverage, #capacity, #audit, section.year { page: wide; }
          table.heatmap { font-size: 7pt; } table.heatmap th[scope=row] { position: static; min-width: 0; }
          tr, li, figure, svg { break-inside: avoid; }
          a { color: inherit; text-decoration: none; }
          .b0, .b1, .b2, .b3, .swatch { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
        }

        """

    static let script = """

        (function () {
          'use strict';
          document.documentElement.classList.add('js');
          // The data block is parsed and the page made interactive in the task after parsing: the
          // page shows and DOMContentLoaded fires first (a 1 M-row run's block is a few megabytes).
          setTimeout(start, 0);
          function start() {
            var data = JSON.parse(document.getElementById('page-data').textContent);
            var L = data.labels, PAGE = 50, HEAT_PAGE = 40, FOLD = 5, pages = {};
            var filter = { year: '', site: '', group: '', code: '' };
            var numbers = new Intl.NumberFormat(document.documentElement.lang === 'nl' ? 'nl-BE' : 'en-GB');
            function num(value) { return numbers.format(value); }
            function el(tag, text, className) {
              var node = document.createElement(tag);
              if (text !== undefined && text !== null) node.textContent = String(text);
              if (className) node.className = className;
              return node;
            }
            function source(pair) { return data.paths[pair[0]] + ':' + pair[1]; }
            function named(code, names) { var name = names && names[code]; return name ? code + ' ' + name : code; }
            function each(selector, body) { Array.prototype.forEach.call(document.querySelectorAll(selector), body); }
            function keep(year, site, group) {
              return (!filter.year || !year || year === filter.year) && (!filter.site || !site || site === filter.site)
                && (!filter.group || !group || group === filter.group);
            }

            function renderPager(pager, count, size, page, go) {
              if (!pager) return;
              pager.textContent = '';
              if (count <= size) { pager.textContent = num(count) + ' ' + L.rows; return; }
              var last = Math.ceil(count / size) - 1;
              var previous = el('button', '‹ ' + L.previous), next = el('button', L.next + ' ›');
              previous.type = next.type = 'button';
              previous.disabled = page === 0; next.disabled = page === last;
              previous.addEventListener('click', function () { go(page - 1); });
              next.addEventListener('click', function () { go(page + 1); });
              pager.appendChild(previous); pager.appendChild(next);
              pager.appendChild(el('span', L.rows + ' ' + num(page * size + 1) + '–' + num(Math.min(count, (page + 1) * size))
                + ' ' + L.of + ' ' + num(count)));
            }

            function cellAt(heat, site, group) { var row = heat && heat.cells[site]; return row ? row[group] : undefined; }
            function heatRow(heat, site) {
              var tr = el('tr'), th = tr.appendChild(el('th'));
              tr.dataset.site = site;
              th.scope = 'row';
              th.appendChild(el('span', site, 'code'));
              if (data.sites[site]) { th.appendChild(document.createTextNode(' ')); th.appendChild(el('span', data.sites[site], 'name')); }
              heat.groups.forEach(function (group) {
                var cell = cellAt(heat, site, group), td = tr.appendChild(el('td'));
                td.hidden = !!filter.group && group !== filter.group;
                if (!cell) return;
                td.className = cell[1];
                td.tabIndex = 0;
                td.textContent = cell[0];
                if (cell[4] > 0) td.appendChild(el('span', '⚠ ' + num(cell[4]) + ' d', 'oc'));
              });
              return tr;
            }

            // Returns how many sites the filters leave in the heatmaps of the years shown.
            function heatmaps(render) {
              var shown = 0;
              each('table.heatmap', function (table) {
                var year = table.dataset.year, heat = data['heat-' + year], head = table.tHead.rows[0].cells, key = 'heat-' + year;
                for (var c = 1; c < head.length; c++) head[c].hidden = !!filter.group && heat.groups[c - 1] !== filter.group;
                var sites = heat.sites.filter(function (site) {
                  return (!filter.site || site === filter.site) && (!filter.group || cellAt(heat, site, filter.group));
                });
                if (!filter.year || filter.year === year) shown += sites.length;
                var page = Math.min(pages[key] || 0, Math.max(0, Math.ceil(sites.length / HEAT_PAGE) - 1));
                pages[key] = page;
                if (render) {
                  var body = el('tbody');
                  sites.slice(page * HEAT_PAGE, (page + 1) * HEAT_PAGE).forEach(function (site) { body.appendChild(heatRow(heat, site)); });
                  table.replaceChild(body, table.tBodies[0]);
                }
                renderPager(document.querySelector('[data-for-heatmap="' + year + '"]'), sites.length, HEAT_PAGE, page,
                  function (p) { pages[key] = p; heatmaps(true); });
              });
              return shown;
            }

            function tables(render) {
              each('table.paged', function (table) {
                var id = table.dataset.table, t = data[id], rows = [];
                t.rows.forEach(function (row, i) { var k = t.keys[i]; if (keep(k[0], k[1], k[2])) rows.push(row); });
                var page = Math.min(pages[id] || 0, Math.max(0, Math.ceil(rows.length / PAGE) - 1));
                pages[id] = page;
                if (render) {
                  var body = el('tbody');
                  rows.slice(page * PAGE, (page + 1) * PAGE).forEach(function (row) {
                    var tr = body.appendChild(el('tr'));
                    row.forEach(function (value, c) {
                      var td = tr.appendChild(el('td', null, t.numeric[c] ? 'n' : '')), names = t.named[c] && data[t.named[c]];
                      if (!names) { td.textContent = value; return; }
                      td.appendChild(el('span', value, 'code'));
                      if (names[value]) { td.appendChild(document.createTextNode(' ')); td.appendChild(el('span', names[value], 'name')); }
                    });
                  });
                  table.replaceChild(body, table.tBodies[0]);
                }
                renderPager(document.querySelector('.pager[data-for="' + id + '"]'), rows.length, PAGE, page,
                  function (p) { pages[id] = p; tables(true); });
              });
            }

            function apply() {
              each('[data-year-section]', function (s) { s.hidden = !!filter.year && s.dataset.yearSection !== filter.year; });
              each('figure.timeline-row', function (f) { f.hidden = !keep('', f.dataset.site, f.dataset.group); });
              each('g.bar', function (g) {
                if (filter.group && g.dataset.group !== filter.group) g.setAttribute('hidden', ''); else g.removeAttribute('hidden');
              });
              each('section.per-code', function (s) { s.hidden = !!filter.code && s.dataset.code !== filter.code; });
              var shown = heatmaps(true);
              tables(true);
              document.getElementById('filter-status').textContent = num(shown) + ' ' + L.rows + ' ' + L.shown;
            }

            var form = document.getElementById('filters');
            function fill(name, entries) {
              var select = form.elements[name];
              entries.forEach(function (entry) { var option = el('option', entry[1]); option.value = entry[0]; select.appendChild(option); });
            }
            fill('year', data.years.map(function (y) { return [y, y]; }));
            fill('site', Object.keys(data.sites).sort().map(function (c) { return [c, named(c, data.sites)]; }));
            fill('group', data.groups.map(function (g) { return [g, named(g, data.disciplines)]; }));
            fill('code', Array.prototype.map.call(document.querySelectorAll('section.per-code'), function (s) {
              return [s.dataset.code, s.dataset.code];
            }));
            form.hidden = false;
            form.addEventListener('change', function () {
              ['year', 'site', 'group', 'code'].forEach(function (n) { filter[n] = form.elements[n].value; });
              pages = {};
              apply();
            });
            form.addEventListener('reset', function () {
              setTimeout(function () { filter = { year: '', site: '', group: '', code: '' }; pages = {}; apply(); }, 0);
            });
            form.addEventListener('submit', function (event) { event.preventDefault(); });

            each('ul.findings', function (list) {
              var items = list.children, count = items.length;
              if (count <= FOLD) return;
              for (var i = FOLD; i < count; i++) items[i].classList.add('folded-item');
              list.classList.add('folded');
              var button = el('button', L.showAll + ' (' + num(count) + ')', 'fold-toggle');
              button.type = 'button';
              button.setAttribute('aria-expanded', 'false');
              button.addEventListener('click', function () {
                var folded = list.classList.toggle('folded');
                button.textContent = folded ? L.showAll + ' (' + num(count) + ')' : L.showFewer;
                button.setAttribute('aria-expanded', String(!folded));
              });
              list.parentNode.insertBefore(button, list.nextSibling);
            });

            var panel = document.getElementById('drill'), panelBody = document.getElementById('drill-body'), opener = null;
            function openDrill(title, lines, columns, rows) {
              if (panel.hidden) opener = document.activeElement;
              panelBody.textContent = '';
              panelBody.appendChild(el('h2', title));
              lines.forEach(function (line) { panelBody.appendChild(el('p', line)); });
              var table = el('table'), head = table.appendChild(el('thead')).appendChild(el('tr'));
              columns.forEach(function (c) { var th = head.appendChild(el('th', c)); th.scope = 'col'; });
              var body = table.appendChild(el('tbody'));
              rows.forEach(function (row) {
                var tr = body.appendChild(el('tr'));
                row.forEach(function (value, i) { tr.appendChild(el('td', value, i === row.length - 1 ? 'source' : '')); });
              });
              panelBody.appendChild(el('div', null, 'scroll')).appendChild(table);
              panel.hidden = false;
              panel.focus();
            }
            var placementColumns = [L.student, L.discipline, L.start, L.end, L.weeks, L.agreement, L.source];
            function placementRows(list) {
              return list.map(function (p) {
                var sources = p[6].map(source).join(' ');
                if (p[7] > p[6].length) sources += ' … +' + num(p[7] - p[6].length) + ' (placements.csv)';
                return [p[0], named(p[1], data.disciplines), p[2], p[3], num(p[4]), p[5] === null ? L.none : p[5], sources];
              });
            }
            function more(total, shown, key) {
              return total > shown ? ['… ' + num(total - shown) + ' ' + L.morePlacements + ' (' + L.key + ': ' + key + ')'] : [];
            }
            function cellOf(td) {
              var table = td.closest('table.heatmap'), group = table.tHead.rows[0].cells[td.cellIndex].dataset.group;
              var site = td.parentElement.dataset.site, year = table.dataset.year, heat = data['heat-' + year];
              return { site: site, group: group, year: year, cell: cellAt(heat, site, group) };
            }
            function cellText(c) {
              return named(c.site, data.sites) + ' · ' + named(c.group, data.disciplines) + ' · ' + c.year + ': ' + c.cell[2] + ' '
                + L.usedWeeks + ', ' + c.cell[3] + ' ' + L.capacityWeeks + ', ' + num(c.cell[4]) + ' ' + L.overDays;
            }
            function drillCell(td) {
              var c = cellOf(td);
              if (!c.cell) return;
              // placements.csv's own column names; it has no group column, so the group is said in words.
              var key = 'site=' + c.site + ', year=' + c.year + ', ' + L.group + ' ' + c.group;
              openDrill(L.placementsOf + ' ' + c.site + ' · ' + c.group + ' · ' + c.year,
                [cellText(c)].concat(more(c.cell[5], c.cell[6].length, key)), placementColumns, placementRows(c.cell[6]));
            }
            function drillBar(g) {
              var year = g.dataset.year, group = g.dataset.group, bar = (data['bars-' + year] || {})[group];
              if (!bar) return;
              var key = 'year=' + year + ', ' + L.group + ' ' + group;
              openDrill(L.placementsOf + ' ' + named(group, data.disciplines) + ' · ' + year,
                [g.getAttribute('aria-label')].concat(more(bar[0], bar[1].length, key)), placementColumns, placementRows(bar[1]));
            }
            function drillFinding(item) {
              var code = item.closest('section.per-code').dataset.code, fingerprint = item.dataset.fingerprint, entry = data.findings[code];
              var finding = entry && entry[1].filter(function (f) { return f[0] === fingerprint; })[0];
              if (!finding) return;
              var lines = [finding[1]];
              if (finding[3] > finding[2].length) lines.push('… ' + num(finding[3] - finding[2].length) + ' ' + L.moreFindingRows);
              openDrill(L.sourceRowsOf + ' ' + code + ' ' + fingerprint, lines, [L.source],
                finding[2].map(function (s) { return [source(s)]; }));
            }
            function closeDrill() {
              if (panel.hidden) return;
              panel.hidden = true;
              if (opener && document.contains(opener)) opener.focus();
              opener = null;
            }
            document.getElementById('drill-close').addEventListener('click', closeDrill);
            document.addEventListener('click', function (event) {
              var target = event.target, button = target.closest('button.drill');
              if (button) { drillFinding(button.closest('li')); return; }
              var td = target.closest('table.heatmap td');
              if (td && td.textContent) { drillCell(td); return; }
              var bar = target.closest('g.bar');
              if (bar) drillBar(bar);
            });
            document.addEventListener('keydown', function (event) {
              if (event.key === 'Escape') { closeDrill(); return; }
              if (event.key !== 'Enter' && event.key !== ' ') return;
              var bar = event.target.closest && event.target.closest('g.bar');
              if (bar) { event.preventDefault(); drillBar(bar); return; }
              var td = event.target.closest && event.target.closest('table.heatmap td');
              if (td && td.textContent) { event.preventDefault(); drillCell(td); }
            });
            document.addEventListener('mouseover', function (event) {
              var td = event.target.closest && event.target.closest('table.heatmap td');
              if (!td || td.title || !td.textContent) return;
              var c = cellOf(td);
              if (c.cell) td.title = cellText(c);
            });
            heatmaps(false);
            tables(false);
            document.documentElement.dataset.ready = 'yes';
            if (performance.mark) performance.mark('page-ready');
          }
        })();

        """
}
