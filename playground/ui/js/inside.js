// Views inside the network, under the 2-D page's stage (after core.js, before
// plane.js): the hidden space (points and the warped input grid as one hidden
// layer sees them), each layer's weight histogram, and the test set's metrics
// (confusion matrix, precision/recall/F1, ROC curve with its area and the
// threshold's operating point). inside.py says what each frame carries.

const INSIDE_CSS = `
.inside { flex: 1 1 100%; display: flex; flex-wrap: wrap; gap: 14px 26px; border-top: 1px solid var(--grid); padding-top: 8px; }
.inside .view { display: flex; flex-direction: column; gap: 4px; }
.inside .title { font-size: 13px; max-width: 300px; }
.inside .title small { color: var(--muted); }
.inside canvas { display: block; }
.inside table { align-self: flex-start; }
.inside .glegend { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
.inside table { font-size: 12px; border-collapse: collapse; font-variant-numeric: tabular-nums; }
.inside td, .inside th { padding: 0 0 0 8px; text-align: right; }
.inside th:first-child { text-align: left; padding: 0; }
.inside th { color: var(--muted); font-weight: 600; }
`;

class InsideViews {
  constructor(stage, parent) {
    this.stage = stage;
    this.root = el("div", "inside hidden pg-inside", parent);
    this.parts = {};
    for (const name of ["hidden_space", "gradients", "histograms", "metrics"]) {
      const view = el("div", `view hidden pg-${name.replace("_", "-")}`, this.root);
      const title = el("div", "title", view);
      const canvas = el("canvas", "", view);
      this.parts[name] = {view, title, canvas};
    }
    this.table = el("table", "", this.parts.metrics.view);
    this.gradLegend = el("div", "glegend", this.parts.gradients.view);
    this.gradRows = []; // one row an epoch: the epoch, then (norm, ratio, dead) per layer
    this.last = {};
  }

  setScene(scene) {
    const v = scene.views;
    this.scene = scene;
    this.shown = new Set(v.shown);
    this.root.classList.toggle("hidden", !this.shown.size);
    for (const [name, part] of Object.entries(this.parts)) part.view.classList.toggle("hidden", !this.shown.has(name));
    this.last = {};
    this.gradRows = [];
    const hs = this.parts.hidden_space.title;
    hs.innerHTML = v.layer_units
      ? `<b>Hidden space</b> <small>(layer ${v.layer + 1}: ${v.layer_units >= 2 ? "units 1 and 2" : "its one unit"}`
        + `${v.layer_units > 2 ? ` of ${v.layer_units}` : ""}; the points and the input plane's grid as it sees them)</small>`
      : "<b>Hidden space</b> <small>(no hidden layer: add one)</small>";
    this.parts.gradients.title.innerHTML = "<b>Gradient flow</b> <small>(each layer, log scale: solid its "
      + "weight gradient's size an epoch, dashed the update-to-weight ratio)</small>";
    this.parts.histograms.title.innerHTML = "<b>Weight histograms</b> <small>(each layer, input side first)</small>";
    this.parts.metrics.title.innerHTML = v.classes
      ? "<b>Metrics</b> <small>(test set)</small>" : "<b>Metrics</b> <small>(for classification)</small>";
  }

  relayout(k) {
    if (!this.scene) return;
    const v = this.scene.views;
    this.k = k;
    this.size = Math.round(250 * k);
    sizeCanvas(this.parts.hidden_space.canvas, this.size, this.size);
    this.histRow = Math.round(44 * k);
    sizeCanvas(this.parts.histograms.canvas, Math.round(260 * k), v.layers * this.histRow);
    this.gradSize = [Math.round(290 * k), Math.round(170 * k)];
    sizeCanvas(this.parts.gradients.canvas, ...this.gradSize);
    this.rocSize = v.classes === 2 ? Math.round(200 * k) : 0;
    this.cell = Math.round(Math.min(30, 240 / Math.max(v.classes, 1)) * k);
    const confW = v.classes * this.cell + Math.round(40 * k);
    sizeCanvas(this.parts.metrics.canvas, confW + (this.rocSize ? this.rocSize + 20 : 0),
      Math.max(v.classes * this.cell + Math.round(30 * k), this.rocSize + Math.round(20 * k)));
    this.paint(this.last, true);
  }

  // s: a frame's sections (what is not in it is kept from before).
  paint(s, all = false) {
    if (!this.scene || !this.shown.size) return;
    for (const id of [SECTION.HIDDEN_MESH, SECTION.HIDDEN_POINTS, SECTION.HISTOGRAMS, SECTION.CONFUSION,
      SECTION.PER_CLASS, SECTION.ROC]) if (s[id]) this.last[id] = s[id].slice();
    const L = this.last;
    const g = s[SECTION.GRADIENTS];
    if (g) {
      const rows = this.gradRows, last = rows.length ? rows[rows.length - 1][0] : -1;
      if (g[0] < last) rows.length = 0; // a new run
      if (rows.length && g[0] === rows[rows.length - 1][0]) rows.pop();
      rows.push(Array.from(g));
    }
    if (this.shown.has("gradients") && (all || g)) this.paintGradients();
    if (this.shown.has("hidden_space") && L[SECTION.HIDDEN_MESH] && (all || s[SECTION.HIDDEN_MESH])) this.paintHidden();
    if (this.shown.has("histograms") && L[SECTION.HISTOGRAMS] && (all || s[SECTION.HISTOGRAMS])) this.paintHistograms();
    if (this.shown.has("metrics") && L[SECTION.CONFUSION] && (all || s[SECTION.CONFUSION])) this.paintMetrics();
  }

  check(s) {
    const v = this.scene.views, need = LiveStage.need;
    need(s, SECTION.HIDDEN_MESH, v.mesh * v.mesh * 2);
    if (s[SECTION.HIDDEN_POINTS] && s[SECTION.HIDDEN_POINTS].length % 3) throw new Error("hidden points come in threes");
    need(s, SECTION.HISTOGRAMS, v.layers * (v.bins + 1));
    need(s, SECTION.GRADIENTS, 1 + 3 * v.layers);
    need(s, SECTION.CONFUSION, v.classes * v.classes);
    need(s, SECTION.PER_CLASS, 3 * v.classes);
    if (s[SECTION.ROC] && (s[SECTION.ROC].length < 4 || s[SECTION.ROC].length % 2)) throw new Error("a ROC curve is a head and pairs");
  }

  // The colour of the output at the heatmap's pixel (row, col), as the heatmap draws it.
  heatColor(row, col) {
    const st = this.stage, sc = st.scene, f = st.frame, n = sc.res * sc.res, i = row * sc.res + col;
    if (sc.kind === "multiclass") {
      const c = (f.heat[i] * 256 + f.heat[n + i]) * 3, L = st.classLut;
      return `rgb(${L[c]},${L[c + 1]},${L[c + 2]})`;
    }
    const c = f.heat[i] * 3, L = st.heatLut;
    return `rgb(${L[c]},${L[c + 1]},${L[c + 2]})`;
  }

  paintHidden() {
    const st = this.stage, sc = st.scene, v = sc.views, m = v.mesh, S = this.size, k = this.k;
    const mesh = this.last[SECTION.HIDDEN_MESH], pts = this.last[SECTION.HIDDEN_POINTS] || [];
    const ctx = this.parts.hidden_space.canvas.getContext("2d");
    ctx.clearRect(0, 0, S, S);
    if (!st.frame) return;
    let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
    const grow = (x, y) => { if (Number.isFinite(x) && Number.isFinite(y)) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); } };
    for (let i = 0; i < mesh.length; i += 2) grow(mesh[i], mesh[i + 1]);
    for (let i = 0; i < pts.length; i += 3) grow(pts[i], pts[i + 1]);
    if (!Number.isFinite(x0)) return;
    const pad = 0.06 * Math.max(x1 - x0, y1 - y0, 1e-6);
    x0 -= pad; x1 += pad; y0 -= pad; y1 += pad;
    const span = Math.max(x1 - x0, y1 - y0), cx = (x0 + x1) / 2, cy = (y0 + y1) / 2;
    const X = (x) => ((x - cx) / span + 0.5) * S, Y = (y) => (0.5 - (y - cy) / span) * S;
    const at = (r, c) => 2 * (r * m + c);
    // each cell of the input grid, where this layer puts it, in the output's colour there
    const step = (sc.res - 1) / (m - 1);
    for (let r = 0; r < m - 1; r++) {
      for (let c = 0; c < m - 1; c++) {
        const q = [at(r, c), at(r, c + 1), at(r + 1, c + 1), at(r + 1, c)];
        ctx.beginPath();
        ctx.moveTo(X(mesh[q[0]]), Y(mesh[q[0] + 1]));
        for (let j = 1; j < 4; j++) ctx.lineTo(X(mesh[q[j]]), Y(mesh[q[j] + 1]));
        ctx.closePath();
        ctx.fillStyle = this.heatColor(Math.round((r + 0.5) * step), Math.round((c + 0.5) * step));
        ctx.fill();
      }
    }
    ctx.strokeStyle = sc.colors.muted;
    ctx.globalAlpha = 0.45;
    ctx.lineWidth = 0.8;
    for (let r = 0; r < m; r += 2) {
      ctx.beginPath();
      for (let c = 0; c < m; c++) { const p = at(r, c); (c ? ctx.lineTo : ctx.moveTo).call(ctx, X(mesh[p]), Y(mesh[p + 1])); }
      ctx.stroke();
    }
    for (let c = 0; c < m; c += 2) {
      ctx.beginPath();
      for (let r = 0; r < m; r++) { const p = at(r, c); (r ? ctx.lineTo : ctx.moveTo).call(ctx, X(mesh[p]), Y(mesh[p + 1])); }
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    const radius = 2.6 * k;
    ctx.lineWidth = 1;
    for (let i = 0; i < pts.length; i += 3) {
      ctx.beginPath();
      ctx.arc(X(pts[i]), Y(pts[i + 1]), radius, 0, 2 * Math.PI);
      ctx.fillStyle = st.pointColor(pts[i + 2], true);
      ctx.fill();
      ctx.strokeStyle = "#ffffff";
      ctx.stroke();
    }
    ctx.strokeStyle = sc.colors.grid;
    ctx.strokeRect(0.5, 0.5, S - 1, S - 1);
    this.parts.hidden_space.canvas.dataset.points = String(pts.length / 3);
  }

  paintGradients() {
    const sc = this.stage.scene, v = sc.views, k = this.k, rows = this.gradRows, [W, H] = this.gradSize;
    const ctx = this.parts.gradients.canvas.getContext("2d");
    ctx.clearRect(0, 0, W, H);
    const left = Math.round(46 * k), top = Math.round(8 * k), bottom = H - Math.round(18 * k), right = W - 6;
    ctx.strokeStyle = sc.colors.grid;
    ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, bottom); ctx.lineTo(right, bottom); ctx.stroke();
    if (!rows.length) { this.gradLegend.textContent = "Train an epoch to see the gradients."; return; }
    let lo = Infinity, hi = -Infinity;
    // solid: the gradient's size; dashed: the update-to-weight ratio (same log axis)
    for (const r of rows) for (let l = 0; l < v.layers; l++) for (const x of [r[1 + 3 * l], r[2 + 3 * l]]) {
      if (x > 0 && Number.isFinite(x)) { lo = Math.min(lo, Math.log10(x)); hi = Math.max(hi, Math.log10(x)); }
    }
    if (!Number.isFinite(lo)) { lo = -1; hi = 0; }
    lo = Math.floor(lo); hi = Math.max(lo + 1, Math.ceil(hi));
    const e0 = rows[0][0], e1 = Math.max(rows[rows.length - 1][0], e0 + 1);
    const X = (e) => left + ((e - e0) / (e1 - e0)) * (right - left);
    const Y = (x) => bottom - ((Math.log10(x) - lo) / (hi - lo)) * (bottom - top);
    ctx.font = `${Math.round(10 * k)}px sans-serif`;
    ctx.fillStyle = sc.colors.muted;
    ctx.textAlign = "right";
    for (let d = lo; d <= hi; d++) {
      ctx.fillText(`1e${d}`, left - 4, Y(10 ** d) + 4);
      ctx.strokeStyle = sc.colors.grid;
      ctx.globalAlpha = 0.5;
      ctx.beginPath(); ctx.moveTo(left, Y(10 ** d)); ctx.lineTo(right, Y(10 ** d)); ctx.stroke();
      ctx.globalAlpha = 1;
    }
    ctx.textAlign = "left";
    ctx.fillText(String(Math.round(e0)), left, H - 4);
    ctx.textAlign = "right";
    ctx.fillText(`epoch ${Math.round(e1)}`, right, H - 4);
    for (let l = 0; l < v.layers; l++) {
      for (const [col, dash, width] of [[1, [], 1.6], [2, [4, 3], 1.1]]) {
        ctx.strokeStyle = v.layer_colors[l];
        ctx.lineWidth = width * k;
        ctx.setLineDash(dash);
        ctx.beginPath();
        let pen = false;
        for (const r of rows) {
          const x = r[col + 3 * l];
          if (!(x > 0) || !Number.isFinite(x)) { pen = false; continue; }
          (pen ? ctx.lineTo : ctx.moveTo).call(ctx, X(r[0]), Y(x));
          pen = true;
        }
        ctx.stroke();
      }
    }
    ctx.setLineDash([]);
    ctx.lineWidth = 1;
    ctx.textAlign = "left";
    const now = rows[rows.length - 1], fmt = (x) => (x > 0 ? x.toExponential(1) : "0");
    this.gradLegend.innerHTML = [...Array(v.layers).keys()].map((l) => {
      const name = l === v.layers - 1 ? "output" : `layer ${l + 1}`, dead = now[3 + 3 * l];
      return `<div><i style="display:inline-block;width:14px;height:3px;vertical-align:middle;background:${v.layer_colors[l]}"></i> `
        + `${name}: gradient ${fmt(now[1 + 3 * l])}, update/weight ${fmt(now[2 + 3 * l])}`
        + `${dead ? `, <b>${dead} dead</b>` : ""}</div>`;
    }).join("");
    this.parts.gradients.canvas.dataset.epochs = String(rows.length);
  }

  paintHistograms() {
    const sc = this.stage.scene, v = sc.views, B = v.bins, k = this.k, H = this.histRow;
    const canvas = this.parts.histograms.canvas, W = Math.round(260 * k);
    const ctx = canvas.getContext("2d"), h = this.last[SECTION.HISTOGRAMS];
    ctx.clearRect(0, 0, W, v.layers * H);
    const left = Math.round(62 * k), barW = (W - left - 4) / B;
    ctx.font = `${Math.round(11 * k)}px sans-serif`;
    for (let l = 0; l < v.layers; l++) {
      const row = h.subarray(l * (B + 1), (l + 1) * (B + 1)), top = row[0];
      let most = 1;
      for (let b = 1; b <= B; b++) most = Math.max(most, row[b]);
      const y0 = l * H + 4, hh = H - Math.round(16 * k);
      ctx.fillStyle = sc.colors.muted;
      ctx.textAlign = "left";
      ctx.fillText(l === v.layers - 1 ? "output" : `layer ${l + 1}`, 0, y0 + hh / 2 + 4);
      for (let b = 0; b < B; b++) {
        const value = -top + (2 * top * (b + 0.5)) / B; // the bin's middle weight
        const bh = (row[b + 1] / most) * hh;
        ctx.fillStyle = this.stage.colorOf(Math.max(-1, Math.min(1, value / Math.max(top, 1e-9))));
        ctx.fillRect(left + b * barW, y0 + hh - bh, Math.max(1, barW - 1), bh);
      }
      ctx.fillStyle = sc.colors.muted;
      ctx.textAlign = "left";
      ctx.fillText(`−${top.toPrecision(2)}`, left, y0 + hh + 12 * k);
      ctx.textAlign = "right";
      ctx.fillText(`+${top.toPrecision(2)}`, W - 4, y0 + hh + 12 * k);
    }
    ctx.textAlign = "left";
  }

  paintMetrics() {
    const sc = this.stage.scene, v = sc.views, n = v.classes, k = this.k, c = this.cell;
    const canvas = this.parts.metrics.canvas, ctx = canvas.getContext("2d");
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    const counts = this.last[SECTION.CONFUSION], pc = this.last[SECTION.PER_CLASS];
    const left = Math.round(34 * k), top = 2;
    let most = 1;
    for (const x of counts) most = Math.max(most, x);
    ctx.font = `${Math.round(11 * k)}px sans-serif`;
    ctx.textBaseline = "middle";
    ctx.textAlign = "center";
    for (let t = 0; t < n; t++) {
      for (let p = 0; p < n; p++) {
        const x = counts[t * n + p], shade = x > 0 ? 0.15 + 0.85 * (x / most) : 0;
        ctx.globalAlpha = x > 0 ? shade : 1;
        ctx.fillStyle = x > 0 ? (t === p ? "#0877bd" : "#d62728") : sc.colors.panel;
        ctx.fillRect(left + p * c + 1, top + t * c + 1, c - 2, c - 2);
        ctx.globalAlpha = 1;
        ctx.fillStyle = shade > 0.6 ? "#ffffff" : sc.colors.text;
        if (x > 0) ctx.fillText(String(x), left + p * c + c / 2, top + t * c + c / 2);
      }
      ctx.fillStyle = sc.colors.muted;
      ctx.textAlign = "right";
      ctx.fillText(v.names[t], left - 4, top + t * c + c / 2);
      ctx.textAlign = "center";
      ctx.fillText(v.names[t], left + t * c + c / 2, top + n * c + 8 * k);
    }
    ctx.fillText("predicted", left + (n * c) / 2, top + n * c + 21 * k);
    ctx.save();
    ctx.translate(8 * k, top + (n * c) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText("true class", 0, 0);
    ctx.restore();
    ctx.textBaseline = "alphabetic";
    const roc = this.last[SECTION.ROC];
    if (roc && this.rocSize) {
      const R = this.rocSize, x0 = left + n * c + 20 + Math.round(24 * k), y0 = 4, w = R - Math.round(28 * k);
      const X = (f) => x0 + f * w, Y = (t) => y0 + (1 - t) * w;
      ctx.strokeStyle = sc.colors.grid;
      ctx.strokeRect(X(0), Y(1), w, w);
      ctx.setLineDash([3, 3]);
      ctx.beginPath(); ctx.moveTo(X(0), Y(0)); ctx.lineTo(X(1), Y(1)); ctx.stroke();
      ctx.setLineDash([]);
      ctx.strokeStyle = sc.colors.test;
      ctx.lineWidth = 2 * k;
      ctx.beginPath();
      for (let i = 4; i < roc.length; i += 2) (i === 4 ? ctx.moveTo : ctx.lineTo).call(ctx, X(roc[i]), Y(roc[i + 1]));
      ctx.stroke();
      ctx.lineWidth = 1;
      ctx.fillStyle = "#d62728";
      ctx.beginPath(); ctx.arc(X(roc[1]), Y(roc[2]), 4.5 * k, 0, 2 * Math.PI); ctx.fill();
      ctx.fillStyle = sc.colors.muted;
      ctx.textAlign = "center";
      ctx.fillText("false positive rate", X(0.5), Y(0) + 14 * k);
      ctx.save();
      ctx.translate(X(0) - 8 * k, Y(0.5));
      ctx.rotate(-Math.PI / 2);
      ctx.fillText("true positive rate", 0, 0);
      ctx.restore();
      ctx.fillStyle = sc.colors.text;
      ctx.textAlign = "right";
      ctx.fillText(`AUC ${roc[0].toFixed(3)}`, X(1) - 4, Y(0) - 8);
      ctx.textAlign = "left";
      canvas.dataset.auc = roc[0].toFixed(3);
    }
    this.table.innerHTML = perClassRows("class", v.names, pc, "%");
    canvas.dataset.counts = Array.from(counts).join(",");
  }
}
