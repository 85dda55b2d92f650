// Draws the report's plots with uPlot from the page's JSON block. Each plot
// element gets data-rendered="true" once uPlot has built it, or
// data-error with the message when it could not be.
(function () {
  "use strict";

  // The arms' colours are the stylesheet's, so the tables' swatches and the
  // plots agree.
  var css = getComputedStyle(document.documentElement);
  function colour(name, fallback) { return css.getPropertyValue(name).trim() || fallback; }
  var BASE = colour("--baseline", "#0969da"), CAND = colour("--candidate", "#bf3989"), GUIDE = colour("--muted", "#59636e");
  var HEIGHT = 240;
  var data = JSON.parse(document.getElementById("report-data").textContent);
  var built = [];

  function fixed(x) { return String(+x.toPrecision(3)); }

  function sec(v) {
    if (v == null || !isFinite(v)) return "–";
    if (v === 0) return "0";
    var a = Math.abs(v);
    if (a < 1e-6) return fixed(v * 1e9) + " ns";
    if (a < 1e-3) return fixed(v * 1e6) + " µs";
    if (a < 1) return fixed(v * 1e3) + " ms";
    return fixed(v) + " s";
  }

  function pct(v) {
    if (v == null || !isFinite(v)) return "–";
    if (v === 0) return "0%";
    return fixed(v * 100) + "%";
  }

  function times(v) {
    if (v == null || !isFinite(v)) return "–";
    return fixed(v) + "×";
  }

  function labels(fmt) {
    return function (u, splits) {
      return splits.map(function (v) { return v == null ? null : fmt(v); });
    };
  }

  // logTicks thins a log axis's labels to what its width has room for:
  // 1-2-5 per decade, 1-3, every decade, or every other one.
  function logTicks(u, splits, axisIdx) {
    var key = u.axes[axisIdx].scale;
    var decade = Math.abs(u.valToPos(10, key) - u.valToPos(1, key));
    var lead = decade >= 360 ? /^[125]$/ : decade >= 180 ? /^[13]$/ : /^1$/;
    return splits.map(function (v) {
      if (v == null) return null;
      var e = v.toExponential(), digit = e.charAt(0), exp = +e.slice(e.indexOf("e") + 1);
      if (!lead.test(digit)) return null;
      if (decade < 70 && exp % 2 != 0) return null;
      return v;
    });
  }

  function at(arr, i) { return i == null || arr == null ? null : arr[i]; }

  var axisFont = "12px system-ui, sans-serif";
  function axis(label, fmt, extra) {
    var a = { label: label, values: labels(fmt), font: axisFont, labelFont: axisFont, labelSize: 18, stroke: "#1f2328",
      grid: { stroke: "#e4e8ec", width: 1 }, ticks: { stroke: "#c9d1d9", width: 1, size: 4 } };
    for (var k in extra) a[k] = extra[k];
    return a;
  }

  function arm(label, color, extra) {
    var s = { label: label, stroke: color, width: 2 };
    for (var k in extra) s[k] = extra[k];
    return s;
  }

  function dist(d) {
    return {
      opts: {
        height: HEIGHT,
        scales: {
          x: { time: false, distr: 3, log: 10, range: function () { return [d.range[0], d.range[1]]; } },
          y: { range: function (u, lo, hi) { return [0, (hi > 0 ? hi : 1) * 1.1]; } },
        },
        axes: [axis("latency", sec, { filter: logTicks, size: 34 }), axis("share of calls per decade", pct, { size: 56 })],
        series: [
          { label: "bucket", value: function (u, v, si, i) { return i == null ? "" : d.buckets[i]; } },
          arm("baseline", BASE, {
            fill: BASE + "26", paths: uPlot.paths.stepped({ align: 1 }), points: { show: false },
            value: function (u, v, si, i) { return i == null ? "" : pct(at(d.baseline_share, i)) + " of calls"; },
          }),
          arm("candidate", CAND, {
            fill: CAND + "26", paths: uPlot.paths.stepped({ align: 1 }), points: { show: false },
            value: function (u, v, si, i) { return i == null ? "" : pct(at(d.candidate_share, i)) + " of calls"; },
          }),
        ],
      },
      data: [d.x, d.baseline, d.candidate],
    };
  }

  function cdf(d) {
    return {
      opts: {
        height: HEIGHT,
        scales: {
          x: { time: false, distr: 3, log: 10, range: function () { return [d.range[0], d.range[1]]; } },
          y: { range: [0, 1] },
        },
        axes: [axis("bucket bound", sec, { filter: logTicks, size: 34 }), axis("share of calls ≤ bound", pct, { size: 56 })],
        series: [
          { label: "≤", value: function (u, v) { return v == null ? "" : sec(v); } },
          arm("baseline", BASE, { points: { show: true, size: 4 }, value: function (u, v) { return v == null ? "" : pct(v); } }),
          arm("candidate", CAND, { points: { show: true, size: 4 }, value: function (u, v) { return v == null ? "" : pct(v); } }),
        ],
      },
      data: [d.x, d.baseline, d.candidate],
    };
  }

  function ratios(r) {
    var n = r.x.length - 2, ones = r.x.map(function () { return 1; });
    var ticks = r.x.slice(1, n + 1);
    return {
      opts: {
        height: HEIGHT,
        scales: {
          x: { time: false, range: [r.x[0], r.x[n + 1]] },
          y: { distr: 3, log: 10, range: function () { return [r.range[0], r.range[1]]; } },
        },
        axes: [
          axis("quantile", function (v) { return r.labels[Math.round(v)] || ""; }, { splits: function () { return ticks; }, grid: { show: false }, size: 34 }),
          axis("candidate / baseline", times, { size: 56 }),
        ],
        series: [
          { label: "quantile", value: function (u, v, si, i) { return i == null ? "" : r.labels[i]; } },
          {
            label: "interval", stroke: CAND, fill: CAND + "99", width: 1,
            paths: uPlot.paths.bars({
              size: [0.18, 26, 8],
              disp: {
                y0: { unit: 1, values: function () { return r.lo; } },
                y1: { unit: 1, values: function () { return r.hi; } },
              },
            }),
            points: { show: false },
            value: function (u, v, si, i) { return i == null ? "" : r.text[i]; },
          },
          { label: "no change", stroke: GUIDE, width: 1, dash: [5, 4], points: { show: false }, value: function () { return ""; } },
        ],
      },
      data: [r.x, r.hi, ones],
    };
  }

  function build(el, spec) {
    try {
      spec.opts.width = Math.max(260, el.clientWidth);
      var u = new uPlot(spec.opts, spec.data, el);
      built.push({ el: el, u: u });
      el.setAttribute("data-rendered", "true");
    } catch (e) {
      el.setAttribute("data-error", String(e && e.message || e));
      el.textContent = "This plot could not be drawn: " + (e && e.message || e);
    }
  }

  data.operations.forEach(function (op) {
    var pairs = [["dist", op.dist, dist], ["cdf", op.cdf, cdf], ["ratios", op.ratios, ratios]];
    pairs.forEach(function (p) {
      var el = document.getElementById(op.id + "-" + p[0]);
      if (el && p[1]) build(el, p[2](p[1]));
    });
  });
  document.body.setAttribute("data-plots", String(built.length));

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      built.forEach(function (b) { b.u.setSize({ width: Math.max(260, b.el.clientWidth), height: HEIGHT }); });
    }, 100);
  });
})();
