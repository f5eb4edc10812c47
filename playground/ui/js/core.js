// What every live stage shares (stage.py writes it after the section table and
// before the page's own stage): decoding a binary frame (see frame.py for the
// format), the transport and its flow control, the loss/accuracy curves and a few
// drawing helpers.
//
// The server sends a "scene" (JSON: what is drawn where, the colour tables) when the
// structure changes, and a frame (bytes) whenever the numbers change. Each frame is
// painted on the next animation frame and then confirmed ("ack"): the server sends
// the next one only when the browser has shown the last, so a slow browser gets fewer
// frames and never a backlog. Frames travel on the page's own websocket when the
// server offers one (channel.py), else through Bokeh's message API.
//
// SECTION, SECTION_DTYPE, MAX_SECTIONS, the HISTORY and READOUT column tables and
// SIDE (a point's side) come from frame.py, written above this file.

const DTYPES = {1: [Uint8Array, 1], 2: [Float32Array, 4], 3: [Float64Array, 8]};
const MAGIC = 0x31464750; // "PGF1" read as a little-endian uint32

export function decode(buffer) {
  if (!(buffer instanceof ArrayBuffer)) throw new Error("a frame must be binary");
  if (buffer.byteLength < 16) throw new Error(`${buffer.byteLength} bytes is shorter than a frame header`);
  const dv = new DataView(buffer);
  if (dv.getUint32(0, true) !== MAGIC) throw new Error("not a playground frame (bad magic)");
  const n = dv.getUint16(14, true);
  if (n > MAX_SECTIONS || 16 + 12 * n > buffer.byteLength) throw new Error(`a table of ${n} sections does not fit`);
  const sections = {};
  for (let i = 0; i < n; i++) {
    const o = 16 + 12 * i;
    const id = dv.getUint8(o), code = dv.getUint8(o + 1);
    const offset = dv.getUint32(o + 4, true), count = dv.getUint32(o + 8, true);
    if (!(id in SECTION_DTYPE) || SECTION_DTYPE[id] !== code) throw new Error(`bad section ${id}/${code}`);
    const [T, size] = DTYPES[code];
    if (offset % 8 || offset + count * size > buffer.byteLength) throw new Error(`section ${id} runs past the end`);
    sections[id] = new T(buffer, offset, count);
  }
  return {frame: dv.getUint32(4, true), epoch: dv.getUint32(8, true), scene: dv.getUint16(12, true), sections};
}

const BASE_CSS = `
:host { display: block; }
.pg-stage { display: flex; flex-wrap: wrap; gap: 14px 22px; align-items: flex-start; font-family: inherit; }
.col { position: relative; }
.heading { text-transform: uppercase; letter-spacing: .06em; font-size: 13px; font-weight: 700; margin: 0 8px 0 0; }
.head { display: flex; align-items: center; gap: 6px; min-height: 30px; flex-wrap: wrap; }
button.pg { font: inherit; font-size: 13px; padding: 2px 8px; border-radius: 4px; cursor: pointer;
  border: 1px solid var(--grid); background: var(--panel); color: var(--text); }
button.pg:hover:not(:disabled) { border-color: var(--muted); }
button.pg:disabled { opacity: .4; cursor: default; }
.label { position: absolute; color: var(--muted); white-space: nowrap; pointer-events: none; }
.tip { position: absolute; z-index: 5; pointer-events: none; background: var(--panel); color: var(--text);
  border: 1px solid var(--grid); border-radius: 4px; padding: 3px 7px; font-size: 13px; white-space: nowrap;
  box-shadow: 0 1px 4px rgba(0,0,0,.25); display: none; }
.counter { font-variant-numeric: tabular-nums; }
.counter b { font-weight: 600; }
.readout { margin: 2px 0 6px; font-variant-numeric: tabular-nums; }
.readout .line { display: flex; flex-wrap: wrap; gap: 0 9px; }
.readout b { font-weight: 600; }
.readout .base { color: var(--muted); font-size: .92em; align-self: center; }
.pins { display: inline-flex; flex-wrap: wrap; align-items: center; gap: 4px 6px; }
.pins button.pg { font-size: 12px; padding: 1px 6px; }
.pinned { color: var(--muted); font-size: 12px; margin-top: 4px; }
.chart { position: relative; margin-top: 4px; }
.chart canvas { display: block; }
.hidden { display: none !important; }
`;

const fmtLoss = (v) => {
  if (v === undefined || v === null || Number.isNaN(v)) return "–";
  if (!Number.isFinite(v)) return "diverged";
  // theme.py's format_loss: three decimals, four significant digits once large
  return Math.abs(v) < 100 ? v.toFixed(3) : String(Number(v.toPrecision(4)));
};
const fmtEpoch = (e) => String(e).padStart(6, "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");

function el(tag, cls, parent, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  if (parent) parent.appendChild(node);
  return node;
}

function sizeCanvas(canvas, w, h) {
  const r = window.devicePixelRatio || 1;
  const W = Math.round(w * r), H = Math.round(h * r);
  if (canvas.width !== W || canvas.height !== H) { canvas.width = W; canvas.height = H; }
  canvas.style.width = `${w}px`;
  canvas.style.height = `${h}px`;
  const ctx = canvas.getContext("2d");
  ctx.setTransform(r, 0, 0, r, 0, 0);
  return ctx;
}

// Values 0..255 (src) coloured through a lookup table of rgb triples into an
// ImageData's pixels: every map, heatmap, weight image and digit is painted so.
function paintLut(src, lut, pixels) {
  for (let i = 0; i < src.length; i++) {
    const c = src[i] * 3, o = 4 * i;
    pixels[o] = lut[c]; pixels[o + 1] = lut[c + 1]; pixels[o + 2] = lut[c + 2]; pixels[o + 3] = 255;
  }
}

// A PER_CLASS section (precision, recall, F1 of each class) as table rows, one
// column a class, in percent (`suffix` after each value); no section yet: dashes.
function perClassRows(word, names, pc, suffix = "") {
  const n = names.length, cell = (v) => (pc ? `${(100 * v).toFixed(0)}${suffix}` : "–");
  const row = (label, tip, at) => `<tr><th title="${tip}">${label}</th>`
    + `${names.map((_, d) => `<td>${cell(pc && pc[at * n + d])}</td>`).join("")}</tr>`;
  return `<tr><th>${word}</th>${names.map((name) => `<th>${name}</th>`).join("")}</tr>`
    + row("precision", "Of those predicted as this class, the share that are", 0)
    + row("recall", "Of those of this class, the share found", 1)
    + row("F1", "The harmonic mean of precision and recall", 2);
}

// A page's stage: subclasses say how to build their DOM (build), take a scene
// (setScene), check a frame against it (check), paint one (paint) and lay out
// (relayout). This class receives, queues, paints and confirms frames.
class LiveStage {
  constructor(model, root, css) {
    this.model = model;
    this.scene = null;
    this.frame = null; // the last frame painted (its sections)
    this.queue = []; // frames received, not painted yet
    this.history = [];
    this.charts = [];
    this.rejected = 0;
    this.painted = 0;
    this.socket = null;
    this.closed = false;
    this.root = el("div", "pg-stage", root);
    const style = document.createElement("style");
    style.textContent = BASE_CSS + css;
    root.prepend(style);
    this.build(this.root);
    model.on("msg:custom", (data) => this.receive(data));
    this.connect();
    this.resize = new ResizeObserver(() => this.relayout());
    this.resize.observe(this.root);
    window.addEventListener("resize", this.onWindow = () => this.relayout());
    // A malformed frame can be fed in by hand (tests): it must be refused, never break the page.
    this.root.addEventListener("pg-frame", (e) => this.receive(e.detail));
  }

  // ------------------------------------------------------------------ transport
  connect() {
    const token = this.model.channel;
    if (!token) { this.send({t: "hello"}); return; }
    const url = new URL(this.model.route, window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("token", token);
    let opened = false;
    const ws = new WebSocket(url.toString());
    ws.binaryType = "arraybuffer";
    ws.onopen = () => { opened = true; this.socket = ws; this.send({t: "hello"}); };
    ws.onmessage = (e) => this.receive(e.data);
    ws.onclose = () => {
      if (this.socket === ws) this.socket = null;
      // Never opened (a proxy that passes only Bokeh's websocket): use Bokeh's messages.
      if (!opened && !this.closed) this.send({t: "hello"});
    };
  }

  send(message) {
    if (this.socket && this.socket.readyState === 1) this.socket.send(JSON.stringify(message));
    else this.model.send_msg(message);
  }

  receive(data) {
    if (typeof data === "string") {
      try { data = JSON.parse(data); } catch (err) { return this.refuse(err); }
    }
    if (data && data.type === "scene") { this.setScene(data); return; }
    let buffer = data;
    if (ArrayBuffer.isView(data)) buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength);
    // One frame painted per animation frame, oldest first: the server keeps one
    // frame ahead (two in flight), so every animation frame has a new one and
    // none is trained without being shown. After a stall only the newest is kept
    // (its confirmation covers the ones before it).
    this.queue.push(buffer);
    if (this.queue.length > 3) this.queue.splice(0, this.queue.length - 1);
    if (!this.raf) this.raf = requestAnimationFrame(() => this.paintPending());
  }

  refuse(err) {
    this.rejected += 1;
    this.root.dataset.rejected = String(this.rejected);
    console.warn("playground: frame refused:", err.message || err);
  }

  paintPending() {
    this.raf = null;
    const buffer = this.queue.shift();
    if (this.queue.length) this.raf = requestAnimationFrame(() => this.paintPending());
    if (buffer === undefined) return;
    let frame = null;
    try {
      frame = decode(buffer);
      if (!this.scene || frame.scene !== this.scene.id) {
        throw new Error(`frame of scene ${frame.scene}, showing ${this.scene && this.scene.id}`);
      }
      this.check(frame.sections);
    } catch (err) {
      this.refuse(err);
      // A frame is confirmed even when refused, so the server keeps sending.
      if (frame) this.send({t: "ack", f: frame.frame});
      return;
    }
    this.paint(frame);
    this.painted = frame.frame;
    this.root.dataset.frame = String(frame.frame);
    this.send({t: "ack", f: frame.frame});
  }

  // Throws if a section is there with the wrong number of values, or missing
  // though required: need(id, n, required).
  static need(sections, id, n, required = false) {
    const s = sections[id];
    if (!s) { if (required) throw new Error(`section ${id} is missing`); return; }
    if (n !== null && s.length !== n) throw new Error(`section ${id} has ${s.length} values, not ${n}`);
  }

  // New loss rows (HISTORY columns) from the HISTORY section; `start` is where
  // they begin in the server's history.
  takeHistory(rows, start) {
    if (start === 0) this.history = [];
    if (start !== this.history.length) { this.send({t: "resync"}); return; }
    for (let i = 0; i < rows.length; i += HISTORY_WIDTH) this.history.push(Array.from(rows.subarray(i, i + HISTORY_WIDTH)));
  }

  // The readouts under the counter: test, validation and training loss, test and
  // validation accuracy, and the baselines to read them against.
  buildReadout(parent) {
    // one line for the losses, one for the accuracies
    this.readout = el("div", "readout", parent);
    this.readout.innerHTML = "<div class='line loss'>"
      + "<span>Test loss <b id='test-loss'>–</b></span>"
      + "<span class='val'>validation <b id='validation-loss'>–</b></span>"
      + "<span>training <b id='train-loss'>–</b></span></div>"
      + "<div class='line acc'>"
      + "<span>Test accuracy <b id='test-accuracy'>–</b></span>"
      + "<span class='val'>validation <b id='validation-accuracy'>–</b></span>"
      + "<span class='base' id='baselines'></span></div>";
    this.readTest = this.readout.querySelector("#test-loss");
    this.readTrain = this.readout.querySelector("#train-loss");
    this.readAcc = this.readout.querySelector("#test-accuracy");
    this.readValLoss = this.readout.querySelector("#validation-loss");
    this.readValAcc = this.readout.querySelector("#validation-accuracy");
    this.readBase = this.readout.querySelector("#baselines");
  }

  // What a scene says about the readouts: accuracy only for classes, validation
  // only when points are held out, and the baselines ("chance 50% · most
  // frequent 52%"; for regression the loss of always answering the mean).
  readoutScene(scene) {
    const regression = scene.kind === "regression";
    this.readout.querySelector(".acc").classList.toggle("hidden", regression);
    for (const span of this.readout.querySelectorAll(".val")) span.classList.toggle("hidden", !scene.validation);
    // beside the accuracy, or for regression beside the loss
    this.readout.querySelector(regression ? ".loss" : ".acc").appendChild(this.readBase);
    const b = scene.baselines || {}, pct = (v) => `${(100 * v).toFixed(0)}%`;
    const words = [];
    if (Number.isFinite(b.chance)) words.push(`chance ${pct(b.chance)}`);
    if (Number.isFinite(b.most_frequent)) words.push(`most frequent ${pct(b.most_frequent)}`);
    if (Number.isFinite(b.mean_loss)) words.push(`mean predictor loss ${fmtLoss(b.mean_loss)}`);
    this.readBase.textContent = words.join(" · ");
    this.readBase.title = regression
      ? "The test loss of always answering the training points' mean: a model must do better."
      : "Chance: guessing a class at random. Most frequent: always answering the most "
        + "frequent training class, scored on the test points. A model must do better.";
    this.readBase.classList.toggle("hidden", !words.length);
  }

  // A READOUT section (READOUT columns): the losses and accuracies now.
  paintReadout(r) {
    const pct = (v) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : "–");
    this.readTest.textContent = fmtLoss(r[READOUT.test_loss]);
    this.readTrain.textContent = fmtLoss(r[READOUT.train_loss]);
    this.readAcc.textContent = pct(r[READOUT.test_accuracy]);
    this.readValLoss.textContent = fmtLoss(r[READOUT.validation_loss]);
    this.readValAcc.textContent = pct(r[READOUT.validation_accuracy]);
  }

  // Pin the run now training (its curves stay, faded, while the next one
  // trains) and clear the pins: buttons in `parent`; under the curves (`below`)
  // what each pin differs in, while there are pins.
  buildPins(parent, below = parent) {
    this.pinRow = el("span", "pins pg-pins", parent);
    this.pinButton = el("button", "pg", this.pinRow, "Pin this run");
    this.pinButton.onclick = () => this.send({t: "pin"});
    this.unpinButton = el("button", "pg", this.pinRow, "Clear pins");
    this.unpinButton.title = "Take the pinned runs off the charts.";
    this.unpinButton.onclick = () => this.send({t: "unpin"});
    this.pinList = el("div", "pinned pg-pinned", below);
  }

  pinScene(scene) {
    const pins = scene.pins || [];
    const hidden = (scene.hide || []).includes("pins");
    this.pinRow.classList.toggle("hidden", hidden);
    this.pinList.classList.toggle("hidden", hidden || !pins.length);
    this.pinButton.textContent = scene.pin_label;
    this.pinButton.title = `Keep this run's curves on the charts, faded, while the next run trains `
      + `(change a knob: the same seed gives the same data and initial weights). Up to ${scene.max_pins}; `
      + "the oldest goes first.";
    this.unpinButton.disabled = !pins.length;
    this.pinList.textContent = pins.length ? `pinned: ${pins.map((p, i) => `${i + 1}) ${p.label}`).join(" · ")}` : "";
  }

  applyColors(scene) {
    const st = this.root.style;
    for (const [k, v] of Object.entries(scene.colors)) st.setProperty(`--${k}`, v);
    st.color = scene.colors.text;
    st.fontSize = `${Math.round(14 * scene.scale)}px`;
  }

  // ------------------------------------------------------------------- curves
  chart(parent, metric) {
    const box = el("div", "chart", parent);
    const canvas = el("canvas", "", box);
    const tip = el("div", "tip", box);
    const c = {box, canvas, tip, metric, hoverX: null};
    canvas.addEventListener("mousemove", (e) => { c.hoverX = e.offsetX; this.drawChart(c); });
    canvas.addEventListener("mouseleave", () => { c.hoverX = null; this.drawChart(c); });
    this.charts.push(c);
    return c;
  }

  sizeCharts(w, h) {
    this.chartW = w;
    this.chartH = h;
    for (const c of this.charts) sizeCanvas(c.canvas, w, h);
  }

  // The curves are redrawn ten times a second at most: they read as smooth, and
  // a long history is the most costly thing on the stage to draw.
  // (A frame that comes sooner is drawn a little later, so the last one always is.)
  scheduleCharts() {
    const wait = (this.chartsAt || 0) + 100 - performance.now();
    if (wait <= 0) this.drawCharts();
    else if (!this.chartTimer) this.chartTimer = setTimeout(() => this.drawCharts(), wait);
  }

  drawCharts() {
    clearTimeout(this.chartTimer);
    this.chartTimer = null;
    this.chartsAt = performance.now();
    for (const c of this.charts) if (!c.box.classList.contains("hidden")) this.drawChart(c);
  }

  drawChart(c) {
    const sc = this.scene, h = this.history, W = this.chartW, H = this.chartH;
    if (!sc) return;
    const ctx = c.canvas.getContext("2d");
    ctx.clearRect(0, 0, W, H);
    const k = sc.scale, left = Math.round(40 * k), top = Math.round(16 * k), bottom = H - Math.round(14 * k), right = W - 4;
    const loss = c.metric === "loss";
    // the curves drawn: [column, colour, dash, legend word]
    const curves = [
      [loss ? HISTORY.test_loss : HISTORY.test_accuracy, sc.colors.test, [], "— test"],
      ...(sc.validation ? [[loss ? HISTORY.validation_loss : HISTORY.validation_accuracy,
        sc.colors.validation, [1.5 * k, 2.5 * k], "··· validation"]] : []),
      [loss ? HISTORY.train_loss : HISTORY.train_accuracy, sc.colors.train, [5, 3], "- - training"],
    ];
    const pins = (sc.pins || []).map((p) => p.rows);
    ctx.font = `${Math.round(11 * k)}px sans-serif`;
    ctx.fillStyle = sc.colors.muted;
    ctx.fillText(loss ? "Loss" : "Accuracy", left, top - 4);
    let lo = Infinity, hi = -Infinity;
    if (!loss) { lo = 0; hi = 1; }
    else {
      for (const rows of [h, ...pins]) {
        for (const row of rows) {
          for (const [j] of curves) if (Number.isFinite(row[j])) { lo = Math.min(lo, row[j]); hi = Math.max(hi, row[j]); }
        }
      }
    }
    if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
    if (hi - lo < 0.1 * Math.max(Math.abs(lo), Math.abs(hi), 1e-9)) {
      const mid = (lo + hi) / 2, least = 0.1 * Math.max(Math.abs(lo), Math.abs(hi)) || 0.1;
      lo = Math.max(0, mid - least / 2); hi = lo + least;
    }
    // the epochs: the run's, and a pinned run's if longer (both on one axis)
    const e0 = h.length ? h[0][HISTORY.epoch] : 0;
    let e1 = h.length > 1 ? h[h.length - 1][HISTORY.epoch] : e0 + 1;
    for (const rows of pins) if (rows.length) e1 = Math.max(e1, rows[rows.length - 1][HISTORY.epoch]);
    const sx = (e) => left + ((e - e0) / (e1 - e0 || 1)) * (right - left);
    const sy = (v) => bottom - ((v - lo) / (hi - lo || 1)) * (bottom - top);
    ctx.strokeStyle = sc.colors.grid;
    ctx.lineWidth = 1;
    ctx.beginPath(); ctx.moveTo(left, top); ctx.lineTo(left, bottom); ctx.lineTo(right, bottom); ctx.stroke();
    ctx.fillStyle = sc.colors.muted;
    ctx.textAlign = "right";
    const label = (v) => (c.metric === "accuracy" ? `${Math.round(100 * v)}%` : fmtLoss(v).replace(/0+$/, "").replace(/\.$/, ""));
    ctx.fillText(label(hi), left - 3, top + 4);
    ctx.fillText(label(lo), left - 3, bottom);
    ctx.textAlign = "left";
    ctx.fillText(String(Math.round(e0)), left, H - 2);
    ctx.textAlign = "right";
    ctx.fillText(String(Math.round(e1)), right, H - 2);
    ctx.textAlign = "left";
    if (sc.chance !== null && c.metric === "loss" && sc.chance > lo && sc.chance < hi) {
      ctx.setLineDash([2, 3]); ctx.strokeStyle = sc.colors.muted;
      ctx.beginPath(); ctx.moveTo(left, sy(sc.chance)); ctx.lineTo(right, sy(sc.chance)); ctx.stroke();
      ctx.setLineDash([]);
    }
    // One curve: its last point drawn (where a pin's label goes), or null.
    const line = (rows, j, color, dash, width) => {
      const step = Math.max(1, Math.floor(rows.length / (right - left)));
      ctx.strokeStyle = color; ctx.lineWidth = width; ctx.setLineDash(dash);
      ctx.beginPath();
      let pen = false, end = null;
      for (let i = 0; i < rows.length; i += step) {
        const v = rows[i][j];
        if (!Number.isFinite(v)) { pen = false; continue; }
        const x = sx(rows[i][HISTORY.epoch]), y = Math.max(top, Math.min(bottom, sy(v)));
        if (pen) ctx.lineTo(x, y); else ctx.moveTo(x, y);
        pen = true;
        end = [x, y];
      }
      ctx.stroke();
      return end;
    };
    // the pinned runs first, faded, each marked at the end of its first curve with
    // its number (the list under the charts says what differed), or with the
    // whole label where a lone pin's label fits
    ctx.globalAlpha = 0.35;
    const ends = pins.map((rows) => curves.map(([j, color, dash]) => line(rows, j, color, dash, 1.5 * k))[0]);
    ctx.globalAlpha = 1;
    ctx.setLineDash([]);
    ctx.fillStyle = sc.colors.muted;
    ctx.font = `${Math.round(10 * k)}px sans-serif`;
    ctx.textAlign = "left";
    ends.forEach((end, i) => {
      if (!end) return;
      const whole = `${i + 1}) ${sc.pins[i].label}`;
      const text = pins.length === 1 && ctx.measureText(whole).width <= 0.6 * (right - left) ? whole : `${i + 1}`;
      const w = ctx.measureText(text).width;
      ctx.fillText(text, Math.max(left + 2, Math.min(end[0] - w, right - w)), Math.max(top + 9 * k, end[1] - 3));
    });
    const drawn = curves.filter(([j, color, dash]) => line(h, j, color, dash, 2 * k) !== null);
    ctx.setLineDash([]);
    // what a reader (or a browser test) can check without reading pixels
    c.canvas.dataset.curves = drawn.map((cv) => cv[3].split(" ").pop()).join(",");
    c.canvas.dataset.pins = String(ends.filter(Boolean).length);
    // the legend, top right, where it clears the title (a narrow chart at a
    // presenter's scale has no room: the other chart's legend says the same)
    ctx.font = `${Math.round(11 * k)}px sans-serif`;
    const title = ctx.measureText(loss ? "Loss" : "Accuracy").width, gap = 10 * k;
    const widths = curves.map((cv) => ctx.measureText(cv[3]).width);
    if (left + title + widths.reduce((a, w) => a + gap + w, 0) <= right) {
      ctx.textAlign = "right";
      let x = right;
      for (let i = curves.length - 1; i >= 0; i--) {
        ctx.fillStyle = curves[i][1]; ctx.fillText(curves[i][3], x, top - 4);
        x -= widths[i] + gap;
      }
      ctx.textAlign = "left";
    }
    // hover: the values at the epoch under the mouse
    if (c.hoverX !== null && h.length) {
      const e = e0 + ((c.hoverX - left) / (right - left)) * (e1 - e0);
      let best = 0;
      for (let i = 0; i < h.length; i++) if (Math.abs(h[i][0] - e) < Math.abs(h[best][0] - e)) best = i;
      const row = h[best];
      ctx.strokeStyle = sc.colors.muted; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(sx(row[0]), top); ctx.lineTo(sx(row[0]), bottom); ctx.stroke();
      const v = (x) => (!loss ? (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "–") : fmtLoss(x));
      const said = curves.map(([j, , , word]) => `${word.split(" ").pop()} ${v(row[j])}`);
      c.tip.textContent = `epoch ${Math.round(row[HISTORY.epoch])}: ${said.join(", ")}`;
      c.tip.style.display = "block";
      c.tip.style.left = `${Math.min(W - c.tip.offsetWidth, Math.max(0, c.hoverX - c.tip.offsetWidth / 2))}px`;
      c.tip.style.top = `${H + 2}px`;
    } else {
      c.tip.style.display = "none";
    }
  }


  close() {
    this.closed = true;
    if (this.socket) this.socket.close();
    this.resize.disconnect();
    window.removeEventListener("resize", this.onWindow);
    clearTimeout(this.chartTimer);
  }
}
