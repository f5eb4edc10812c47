// The 2-D page's live stage: the network diagram, the output and the loss curves,
// painted on <canvas> from one binary frame per update (see frame.py for the format).
//
// The server sends a "scene" (JSON: what is drawn where, the colour tables) when the
// structure changes, and a frame (bytes) whenever the numbers change. Each frame is
// painted on the next animation frame and then confirmed ("ack"): the server sends
// the next one only when the browser has shown the last, so a slow browser gets fewer
// frames and never a backlog. Frames travel on the page's own websocket when the
// server offers one (channel.py), else through Bokeh's message API.

const SECTION = {HEAT: 1, MAPS: 2, WEIGHTS: 3, BIASES: 4, POINTS: 5, HISTORY: 6, READOUT: 7, TILES: 8};
const DTYPES = {1: [Uint8Array, 1], 2: [Float32Array, 4], 3: [Float64Array, 8]};
const SECTION_DTYPE = {1: 1, 2: 1, 3: 2, 4: 2, 5: 2, 6: 3, 7: 3, 8: 1};
const MAGIC = 0x31464750; // "PGF1" read as a little-endian uint32
const MAX_SECTIONS = 16;

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

const CSS = `
:host { display: block; }
.pg-stage { display: flex; flex-wrap: wrap; gap: 14px 22px; align-items: flex-start; font-family: inherit; }
.col { position: relative; }
.heading { text-transform: uppercase; letter-spacing: .06em; font-size: 13px; font-weight: 700; margin: 0 8px 0 0; }
.head { display: flex; align-items: center; gap: 6px; min-height: 30px; flex-wrap: wrap; }
button.pg { font: inherit; font-size: 13px; padding: 2px 8px; border-radius: 4px; cursor: pointer;
  border: 1px solid var(--grid); background: var(--panel); color: var(--text); }
button.pg:hover:not(:disabled) { border-color: var(--muted); }
button.pg:disabled { opacity: .4; cursor: default; }
.net { position: relative; }
.net canvas, .plot canvas { position: absolute; left: 0; top: 0; }
.label { position: absolute; color: var(--muted); white-space: nowrap; pointer-events: none; }
.flabel { position: absolute; color: var(--text); white-space: nowrap; text-align: right; cursor: pointer;
  background: none; border: 0; padding: 0 2px; font: inherit; }
.flabel:hover { text-decoration: underline; }
.flabel.off { color: var(--muted); opacity: .7; }
.pm { position: absolute; display: flex; gap: 3px; }
.pm button.pg { padding: 0 7px; line-height: 18px; }
.tip { position: absolute; z-index: 5; pointer-events: none; background: var(--panel); color: var(--text);
  border: 1px solid var(--grid); border-radius: 4px; padding: 3px 7px; font-size: 13px; white-space: nowrap;
  box-shadow: 0 1px 4px rgba(0,0,0,.25); display: none; }
.editor { position: absolute; z-index: 6; background: var(--panel); color: var(--text); border: 1px solid var(--muted);
  border-radius: 5px; padding: 6px 8px; font-size: 13px; display: none; box-shadow: 0 2px 8px rgba(0,0,0,.3); }
.editor input { width: 90px; font: inherit; margin: 4px 4px 0 0; }
.counter { font-variant-numeric: tabular-nums; }
.counter b { font-weight: 600; }
.readout { display: flex; flex-wrap: wrap; gap: 2px 14px; margin: 2px 0 6px; font-variant-numeric: tabular-nums; }
.readout b { font-weight: 600; }
.plot { position: relative; }
.ticks { position: absolute; color: var(--muted); pointer-events: none; }
.legend { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; margin-top: 6px; color: var(--muted); }
.legend canvas { border: 1px solid var(--grid); }
.count { color: var(--muted); font-size: 12px; margin-top: 2px; }
.swatch { display: inline-flex; align-items: center; gap: 4px; margin-right: 6px; color: var(--text); }
.swatch i { display: inline-block; width: 12px; height: 12px; border-radius: 6px; border: 1px solid var(--grid); }
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

class Stage {
  constructor(model, root) {
    this.model = model;
    this.scene = null;
    this.frame = null; // the last frame painted (its sections)
    this.queue = []; // frames received, not painted yet
    this.history = [];
    this.points = new Float32Array(0);
    this.tiles = null;
    this.hover = null;
    this.rejected = 0;
    this.painted = 0;
    this.socket = null;
    this.closed = false;
    this.build(root);
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
      this.check(frame);
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

  check(frame) {
    const sc = this.scene;
    if (!sc || frame.scene !== sc.id) throw new Error(`frame of scene ${frame.scene}, showing ${sc && sc.id}`);
    const s = frame.sections;
    const need = (id, n) => {
      if (s[id] && s[id].length !== n) throw new Error(`section ${id} has ${s[id].length} values, not ${n}`);
    };
    need(SECTION.HEAT, sc.res * sc.res * (sc.kind === "multiclass" ? 2 : 1));
    need(SECTION.MAPS, this.nodeCount() * sc.mres * sc.mres);
    need(SECTION.WEIGHTS, this.geo.edges.length);
    need(SECTION.BIASES, this.geo.biases.length);
    need(SECTION.TILES, sc.features.length * sc.mres * sc.mres);
    need(SECTION.READOUT, 5);
    if (s[SECTION.POINTS] && s[SECTION.POINTS].length % 4) throw new Error("points come in fours");
    if (s[SECTION.HISTORY] && s[SECTION.HISTORY].length % 5) throw new Error("history rows come in fives");
    for (const id of [SECTION.HEAT, SECTION.WEIGHTS, SECTION.BIASES, SECTION.READOUT]) {
      if (!s[id]) throw new Error(`section ${id} is missing`);
    }
  }

  // ---------------------------------------------------------------------- DOM
  build(root) {
    this.root = el("div", "pg-stage", root);
    const style = document.createElement("style");
    style.textContent = CSS;
    root.prepend(style);
    // network column
    this.netCol = el("div", "col", this.root);
    const head = el("div", "head", this.netCol);
    el("span", "heading", head, "Features → Hidden layers");
    this.lessLayer = el("button", "pg", head, "− layer");
    this.moreLayer = el("button", "pg", head, "+ layer");
    this.lessLayer.title = "Remove the last hidden layer.";
    this.moreLayer.title = "Add a hidden layer.";
    this.lessLayer.onclick = () => this.send({t: "layers", delta: -1});
    this.moreLayer.onclick = () => this.send({t: "layers", delta: 1});
    this.layerCount = el("span", "", head);
    this.layerCount.style.color = "var(--muted)";
    this.net = el("div", "net pg-network", this.netCol);
    this.edgeCanvas = el("canvas", "", this.net);
    this.nodeCanvas = el("canvas", "", this.net);
    this.labels = el("div", "", this.net);
    this.buttons = el("div", "", this.net);
    this.tip = el("div", "tip", this.net);
    this.editor = el("div", "editor", this.net);
    this.net.addEventListener("mousemove", (e) => this.netHover(e));
    this.net.addEventListener("mouseleave", () => this.netLeave());
    this.net.addEventListener("click", (e) => this.netClick(e));
    // output column
    this.outCol = el("div", "col", this.root);
    const ohead = el("div", "head", this.outCol);
    el("span", "heading", ohead, "Output");
    this.counter = el("span", "counter pg-epoch", ohead);
    this.counter.innerHTML = "Epoch <b id='epoch'>000,000</b>";
    this.epochEl = this.counter.querySelector("b");
    this.readout = el("div", "readout", this.outCol);
    this.readout.innerHTML = "<span>Test loss <b id='test-loss'>–</b></span>"
      + "<span>Training loss <b id='train-loss'>–</b></span>"
      + "<span class='acc'>Test accuracy <b id='test-accuracy'>–</b></span>";
    this.readTest = this.readout.querySelector("#test-loss");
    this.readTrain = this.readout.querySelector("#train-loss");
    this.readAcc = this.readout.querySelector("#test-accuracy");
    this.outputPart = el("div", "", this.outCol);
    this.plot = el("div", "plot pg-output", this.outputPart);
    this.heatCanvas = el("canvas", "", this.plot);
    this.pointCanvas = el("canvas", "", this.plot);
    this.ticks = el("div", "", this.plot);
    this.plot.addEventListener("click", (e) => this.outClick(e));
    this.legend = el("div", "legend", this.outputPart);
    this.count = el("div", "count", this.outputPart);
    this.count.innerHTML = "<span id='n-train'>0</span> training points, <span id='n-test'>0</span> test points";
    this.nTrain = this.count.querySelector("#n-train");
    this.nTest = this.count.querySelector("#n-test");
    this.lossPart = el("div", "", this.outCol);
    this.lossChart = this.chart(this.lossPart, "loss");
    this.accChart = this.chart(this.lossPart, "accuracy");
  }

  chart(parent, metric) {
    const box = el("div", "chart", parent);
    const canvas = el("canvas", "", box);
    const tip = el("div", "tip", box);
    const c = {box, canvas, tip, metric, hoverX: null};
    canvas.addEventListener("mousemove", (e) => { c.hoverX = e.offsetX; this.drawChart(c); });
    canvas.addEventListener("mouseleave", () => { c.hoverX = null; this.drawChart(c); });
    return c;
  }

  // -------------------------------------------------------------------- scene
  setScene(scene) {
    this.scene = scene;
    const st = this.root.style;
    for (const [k, v] of Object.entries(scene.colors)) st.setProperty(`--${k}`, v);
    st.color = scene.colors.text;
    st.fontSize = `${Math.round(14 * scene.scale)}px`;
    this.lut = Uint8Array.from(scene.lut);
    this.heatLut = Uint8Array.from(scene.heat_lut);
    this.classLut = scene.class_lut ? Uint8Array.from(scene.class_lut) : null;
    this.frame = null;
    this.hover = null;
    this.closeEditor();
    const hide = new Set(scene.hide);
    const parts = new Set(scene.parts);
    this.netCol.classList.toggle("hidden", !parts.has("network"));
    this.outputPart.classList.toggle("hidden", !parts.has("output"));
    this.lossPart.classList.toggle("hidden", !parts.has("loss"));
    this.readout.classList.toggle("hidden", !parts.has("loss") && !parts.has("output"));
    for (const b of [this.lessLayer, this.moreLayer]) b.classList.toggle("hidden", hide.has("layers"));
    const hidden = scene.layers.length - 1;
    this.lessLayer.disabled = hidden <= 0;
    this.moreLayer.disabled = hidden >= scene.max_layers;
    this.layerCount.textContent = `${hidden} hidden layer${hidden === 1 ? "" : "s"}`;
    this.readAcc.parentElement.classList.toggle("hidden", scene.kind === "regression");
    this.relayout();
  }

  // Where the first row of nodes starts: under each layer's -/+ buttons and its title.
  netTop(k) {
    return Math.round((this.scene.hide.includes("layers") ? 22 : 46) * k);
  }

  nodeCount() {
    return this.scene.layers.reduce((n, units) => n + Math.min(units, this.scene.shown), 0);
  }

  // Sizes follow the space there is: the whole stage fits the window where it can
  // (a projector at 1280x720, a slide's iframe), growing to the scene's scale at most.
  relayout() {
    const sc = this.scene;
    if (!sc) return;
    const width = this.root.clientWidth || 900;
    const top = this.root.getBoundingClientRect().top + window.scrollY;
    const avail = Math.max(300, window.innerHeight - Math.max(0, top) - 12);
    const k = sc.scale;
    const cols = sc.layers.length + 1;
    const rows = Math.max(sc.features.length, ...sc.layers.map((u) => Math.min(u, sc.shown) + (u > sc.shown ? 1 : 0)));
    const showNet = sc.parts.includes("network"), showOut = sc.parts.includes("output");
    const showLoss = sc.parts.includes("loss");
    const chartH = showLoss ? Math.round(70 * k) * (sc.kind === "regression" ? 1 : 2) + 8 : 0;
    // what the output column holds besides the map: heading, readouts (which may
    // wrap), legend and counts, the curves
    this.outCol.style.width = "";
    const text = this.outCol.firstChild.offsetHeight + this.readout.offsetHeight;
    const outChrome = Math.max(58, text) + 10 + (showOut ? 40 : 0) + chartH + 16;
    // the diagram: unit u pixels a row; label gutter on the left for the feature names
    const gutter = Math.round(58 * k);
    const needW = (u) => gutter + (2.3 * (cols - 1) + 0.62) * u + 24;
    const top0 = this.netTop(k);
    const needH = (u) => (rows - 1 + 0.62) * u + top0 + 10;
    const outMax = Math.round(440 * k);
    let out = showOut ? Math.min(outMax, Math.max(180, avail - outChrome)) : 0;
    const outW = Math.max(out, showLoss ? Math.round(260 * k) : 0) + (showOut ? 46 : 0);
    let side = showNet && width >= needW(34) + outW + 22;
    let u = Math.round(64 * k);
    if (showNet) {
      const room = side ? width - outW - 22 : width;
      u = Math.max(24, Math.min(u, Math.floor((room - gutter - 24) / (2.3 * (cols - 1) + 0.62))));
      if (side || !showOut) u = Math.max(24, Math.min(u, Math.floor((avail - top0 - 44) / (rows - 1 + 0.62))));
    }
    // stacked (a phone): the output below the network takes the width there is
    if (!side && showOut) out = Math.max(180, Math.min(outMax, width - 46));
    this.u = u;
    this.outPx = out;
    // the output column keeps the width it was given: its text wraps inside it
    this.outCol.style.width = side || !showNet ? `${outW}px` : "";
    if (side && this.readout.offsetHeight + this.outCol.firstChild.offsetHeight > text + 4) {
      // the readouts wrap in the narrower column: give the map the room they take
      out = Math.max(180, out - (this.readout.offsetHeight + this.outCol.firstChild.offsetHeight - text));
      this.outPx = out;
    }
    this.chartW = Math.max(180, out || Math.min(width, Math.round(330 * k)));
    this.chartH = Math.round(70 * k);
    this.layoutNetwork(gutter, needW(u), needH(u));
    this.layoutOutput();
    this.pointsDirty = true;
    this.paintAll();
  }

  layoutNetwork(gutter, w, h) {
    const sc = this.scene, u = this.u, node = 0.62 * u, k = sc.scale;
    const x0 = gutter, y0 = this.netTop(k), titleY = y0 - Math.round(18 * k);
    const col = (c) => x0 + 2.3 * c * u;
    const nodes = [], edges = [], biases = [];
    sc.features.forEach((f, r) => nodes.push({kind: "feature", name: f.name, label: f.label, on: f.on,
      x: col(0), y: y0 + r * u, layer: -1, index: r}));
    const last = sc.layers.length - 1;
    let mapIndex = 0;
    sc.layers.forEach((units, l) => {
      const shown = Math.min(units, sc.shown);
      for (let j = 0; j < shown; j++) {
        nodes.push({kind: l === last ? "output" : "neuron", x: col(l + 1), y: y0 + j * u, layer: l, index: j, map: mapIndex++});
      }
    });
    const inLayer = (l) => nodes.filter((n) => n.layer === l);
    const active = nodes.filter((n) => n.kind === "feature" && n.on);
    for (let l = 0; l <= last; l++) {
      const src = (l === 0 ? active : inLayer(l - 1)).slice(0, sc.shown);
      for (const dst of inLayer(l)) {
        src.forEach((s, kk) => {
          const pts = [];
          const ax = s.x + node, ay = s.y + node / 2, bx = dst.x, by = dst.y + node / 2;
          for (let i = 0; i <= 13; i++) {
            const t = i / 13, e = t * t * (3 - 2 * t);
            pts.push([ax + (bx - ax) * t, ay + (by - ay) * e]);
          }
          edges.push({layer: l, row: dst.index, col: kk, from: s, to: dst, pts});
        });
        biases.push({layer: l, row: dst.index, x: dst.x - 0.07 * u, y: dst.y + node - 0.07 * u, size: 0.14 * u, node: dst});
      }
    }
    this.geo = {nodes, edges, biases, node, w, h};
    this.net.style.width = `${w}px`;
    this.net.style.height = `${h}px`;
    sizeCanvas(this.edgeCanvas, w, h);
    sizeCanvas(this.nodeCanvas, w, h);
    // labels: feature names, layer titles, "+N more", and each layer's -/+ buttons
    this.labels.replaceChildren();
    this.buttons.replaceChildren();
    const fs = Math.max(11, Math.round(Math.min(15 * k, u * 0.3)));
    for (const n of nodes.filter((m) => m.kind === "feature")) {
      // The name is a button too: clicking it switches the input, like its tile.
      const lab = el("button", `flabel${n.on ? "" : " off"}`, this.labels, n.label);
      lab.setAttribute("aria-pressed", String(n.on));
      lab.title = `Input ${n.label}: click to switch it ${n.on ? "off" : "on"}`;
      lab.onclick = (e) => { e.stopPropagation(); this.send({t: "feature", name: n.name}); };
      lab.style.fontSize = `${fs}px`;
      lab.style.right = `${w - n.x + 6}px`;
      lab.style.top = `${n.y + node / 2 - fs * 0.65}px`;
    }
    const title = (text, x, y) => {
      const t = el("div", "label", this.labels, text);
      t.style.fontSize = `${Math.round(12 * k)}px`;
      t.style.left = `${x}px`;
      t.style.top = `${y}px`;
      t.style.transform = "translateX(-50%)";
      return t;
    };
    title("Features", col(0) + node / 2, titleY);
    const hideLayers = sc.hide.includes("layers");
    sc.layers.forEach((units, l) => {
      const cx = col(l + 1) + node / 2;
      title(l === last ? "Output" : `${units} neuron${units === 1 ? "" : "s"}`, cx, titleY);
      if (units > sc.shown) title(`+${units - sc.shown} more`, cx, y0 + sc.shown * u - 0.25 * u);
      if (l < last && !hideLayers) {
        const pm = el("div", "pm", this.buttons);
        pm.style.left = `${cx}px`;
        pm.style.top = "-2px";
        pm.style.transform = "translateX(-50%)";
        const minus = el("button", "pg", pm, "−"), plus = el("button", "pg", pm, "+");
        minus.title = `One neuron fewer in layer ${l + 1}`;
        plus.title = `One neuron more in layer ${l + 1}`;
        minus.setAttribute("aria-label", minus.title);
        plus.setAttribute("aria-label", plus.title);
        minus.disabled = units <= sc.item_bounds[0];
        plus.disabled = units >= sc.item_bounds[1];
        minus.onclick = (e) => { e.stopPropagation(); this.send({t: "neurons", layer: l, delta: -1}); };
        plus.onclick = (e) => { e.stopPropagation(); this.send({t: "neurons", layer: l, delta: 1}); };
      }
    });
  }

  layoutOutput() {
    const sc = this.scene, out = this.outPx, k = sc.scale;
    this.plot.style.width = `${out + 30}px`;
    this.plot.style.height = `${out + 18}px`;
    sizeCanvas(this.heatCanvas, out, out);
    sizeCanvas(this.pointCanvas, out, out);
    this.heatCanvas.style.outline = `1px solid ${sc.colors.grid}`;
    this.ticks.replaceChildren();
    const fs = Math.round(11 * k);
    for (const v of [-sc.extent, 0, sc.extent]) {
      const f = (v + sc.extent) / (2 * sc.extent);
      const bx = el("div", "ticks", this.ticks, String(v));
      bx.style.fontSize = `${fs}px`;
      bx.style.left = `${f * out}px`;
      bx.style.top = `${out + 2}px`;
      bx.style.transform = `translateX(${-50 * (1 + Math.sign(v))}%)`; // the ends stay inside
      const by = el("div", "ticks", this.ticks, String(v));
      by.style.fontSize = `${fs}px`;
      by.style.left = `${out + 4}px`;
      by.style.top = `${(1 - f) * out - fs * 0.6}px`;
    }
    this.heatImage = new ImageData(sc.res, sc.res);
    this.heatSmall = document.createElement("canvas");
    this.heatSmall.width = this.heatSmall.height = sc.res;
    this.mapSmall = document.createElement("canvas");
    this.mapSmall.width = this.mapSmall.height = sc.mres;
    this.mapImage = new ImageData(sc.mres, sc.mres);
    this.buildLegend();
    for (const c of [this.lossChart, this.accChart]) sizeCanvas(c.canvas, this.chartW, this.chartH);
    this.accChart.box.classList.toggle("hidden", sc.kind === "regression");
  }

  buildLegend() {
    const sc = this.scene;
    this.legend.replaceChildren();
    if (sc.kind === "multiclass") {
      sc.class_colors.forEach((c, i) => {
        const s = el("span", "swatch", this.legend);
        const dot = el("i", "", s);
        dot.style.background = c;
        s.appendChild(document.createTextNode(`class ${i}`));
      });
      return;
    }
    const lo = el("span", "", this.legend, sc.kind === "regression" ? "−1" : "−1 (orange)");
    lo.style.fontSize = "12px";
    const bar = el("canvas", "", this.legend);
    const ctx = sizeCanvas(bar, 120, 10);
    for (let i = 0; i < 120; i++) {
      const v = Math.round((i / 119) * 255) * 3;
      ctx.fillStyle = `rgb(${this.heatLut[v]},${this.heatLut[v + 1]},${this.heatLut[v + 2]})`;
      ctx.fillRect(i, 0, 1.5, 10);
    }
    const hi = el("span", "", this.legend, sc.kind === "regression" ? "+1" : "+1 (blue)");
    hi.style.fontSize = "12px";
  }

  // -------------------------------------------------------------------- paint
  paint(frame) {
    const s = frame.sections;
    if (s[SECTION.TILES]) this.tiles = s[SECTION.TILES].slice();
    if (s[SECTION.POINTS]) { this.points = s[SECTION.POINTS].slice(); this.pointsDirty = true; }
    const r = s[SECTION.READOUT];
    if (s[SECTION.HISTORY]) {
      const rows = s[SECTION.HISTORY], start = r[4];
      if (start === 0) this.history = [];
      if (start !== this.history.length) { this.send({t: "resync"}); }
      else for (let i = 0; i < rows.length; i += 5) this.history.push(Array.from(rows.subarray(i, i + 5)));
    }
    this.frame = {epoch: frame.epoch, heat: s[SECTION.HEAT].slice(), maps: s[SECTION.MAPS] ? s[SECTION.MAPS].slice() : new Uint8Array(0),
      weights: s[SECTION.WEIGHTS].slice(), biases: s[SECTION.BIASES].slice(), readout: Array.from(r),
      points: Boolean(s[SECTION.POINTS])};
    this.paintAll();
  }

  paintAll() {
    if (!this.frame || !this.geo) return;
    const f = this.frame, sc = this.scene;
    this.epochEl.textContent = fmtEpoch(f.epoch);
    this.readTest.textContent = fmtLoss(f.readout[0]);
    this.readTrain.textContent = fmtLoss(f.readout[1]);
    const acc = f.readout[2];
    this.readAcc.textContent = Number.isFinite(acc) ? `${(100 * acc).toFixed(1)}%` : "–";
    if (this.outPx) {
      this.paintHeat();
      if (this.pointsDirty) this.paintPoints();
    }
    if (sc.parts.includes("network")) {
      this.paintEdges();
      this.paintNodes();
    }
    // The curves are redrawn ten times a second at most: they read as smooth, and
    // a long history is the most costly thing on the stage to draw.
    // (A frame that comes sooner is drawn a little later, so the last one always is.)
    if (sc.parts.includes("loss")) {
      const wait = (this.chartsAt || 0) + 100 - performance.now();
      if (wait <= 0) this.drawCharts();
      else if (!this.chartTimer) this.chartTimer = setTimeout(() => this.drawCharts(), wait);
    }
  }

  drawCharts() {
    clearTimeout(this.chartTimer);
    this.chartTimer = null;
    this.chartsAt = performance.now();
    this.drawChart(this.lossChart);
    if (this.scene.kind !== "regression") this.drawChart(this.accChart);
  }

  paintHeat() {
    const sc = this.scene, f = this.frame, img = this.heatImage.data, n = sc.res * sc.res;
    const preview = this.hover && this.hover.map !== undefined ? this.hover.map : null;
    if (preview !== null) {
      // the neuron under the mouse, large: its map, coloured like the diagram
      const m = sc.mres, src = f.maps.subarray(preview * m * m, (preview + 1) * m * m);
      for (let i = 0; i < m * m; i++) {
        const c = src[i] * 3;
        img[4 * i] = this.lut[c]; img[4 * i + 1] = this.lut[c + 1]; img[4 * i + 2] = this.lut[c + 2]; img[4 * i + 3] = 255;
      }
      const small = new ImageData(img.slice(0, 4 * m * m), m, m);
      this.mapSmall.getContext("2d").putImageData(small, 0, 0);
      const ctx = this.heatCanvas.getContext("2d");
      ctx.imageSmoothingEnabled = true;
      ctx.drawImage(this.mapSmall, 0, 0, this.outPx, this.outPx);
      return;
    }
    if (sc.kind === "multiclass") {
      const lut = this.classLut;
      for (let i = 0; i < n; i++) {
        const c = (f.heat[i] * 256 + f.heat[n + i]) * 3;
        img[4 * i] = lut[c]; img[4 * i + 1] = lut[c + 1]; img[4 * i + 2] = lut[c + 2]; img[4 * i + 3] = 255;
      }
    } else {
      const lut = this.heatLut;
      for (let i = 0; i < n; i++) {
        const c = f.heat[i] * 3;
        img[4 * i] = lut[c]; img[4 * i + 1] = lut[c + 1]; img[4 * i + 2] = lut[c + 2]; img[4 * i + 3] = 255;
      }
    }
    this.heatSmall.getContext("2d").putImageData(this.heatImage, 0, 0);
    const ctx = this.heatCanvas.getContext("2d");
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.heatSmall, 0, 0, this.outPx, this.outPx);
  }

  paintPoints() {
    const sc = this.scene, p = this.points, out = this.outPx;
    const ctx = this.pointCanvas.getContext("2d");
    ctx.clearRect(0, 0, out, out);
    const radius = 3 * sc.scale * Math.max(0.8, out / 330);
    const toPx = (v) => ((v + sc.extent) / (2 * sc.extent)) * out;
    const color = (label) => {
      if (sc.kind === "regression") {
        const c = Math.max(0, Math.min(255, Math.round(((label + 1) / 2) * 255))) * 3;
        return `rgb(${this.lut[c]},${this.lut[c + 1]},${this.lut[c + 2]})`;
      }
      if (sc.kind === "binary") return label > 0 ? sc.class_colors[1] : sc.class_colors[0];
      return sc.class_colors[Math.round(label)] || sc.colors.text;
    };
    ctx.lineWidth = 1.2;
    let nTrain = 0;
    for (let i = 0; i < p.length; i += 4) {
      const train = p[i + 3] > 0.5;
      if (train) nTrain += 1;
      if (!train && !sc.show_test) continue;
      ctx.beginPath();
      ctx.arc(toPx(p[i]), out - toPx(p[i + 1]), radius, 0, 2 * Math.PI);
      ctx.fillStyle = color(p[i + 2]);
      ctx.globalAlpha = train ? 1 : 0.9;
      ctx.fill();
      ctx.strokeStyle = train ? "#ffffff" : "#111111";
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    this.pointsDirty = false;
    this.nTrain.textContent = String(nTrain);
    this.nTest.textContent = String(p.length / 4 - nTrain);
  }

  colorOf(value, lut = this.lut) {
    const c = Math.max(0, Math.min(255, Math.round((value + 1) * 127.5))) * 3;
    return `rgb(${lut[c]},${lut[c + 1]},${lut[c + 2]})`;
  }

  paintEdges() {
    const g = this.geo, f = this.frame, k = this.scene.scale;
    const ctx = this.edgeCanvas.getContext("2d");
    ctx.clearRect(0, 0, g.w, g.h);
    ctx.lineCap = "round";
    g.edges.forEach((e, i) => {
      const w = f.weights[i];
      const hovered = this.hover && this.hover.edge === i;
      ctx.globalAlpha = hovered ? 1 : 0.85;
      ctx.strokeStyle = this.colorOf(w);
      ctx.lineWidth = (0.6 + (5.4 * Math.min(Math.abs(w), 3)) / 3) * k + (hovered ? 2 : 0);
      ctx.beginPath();
      ctx.moveTo(e.pts[0][0], e.pts[0][1]);
      for (let j = 1; j < e.pts.length; j++) ctx.lineTo(e.pts[j][0], e.pts[j][1]);
      ctx.stroke();
    });
    ctx.globalAlpha = 1;
  }

  paintNodes() {
    const g = this.geo, f = this.frame, sc = this.scene, m = sc.mres;
    const ctx = this.nodeCanvas.getContext("2d");
    ctx.clearRect(0, 0, g.w, g.h);
    ctx.imageSmoothingEnabled = true;
    const img = this.mapImage.data;
    const small = this.mapSmall.getContext("2d");
    for (const n of g.nodes) {
      let src = null;
      if (n.kind === "feature") src = this.tiles ? this.tiles.subarray(n.index * m * m, (n.index + 1) * m * m) : null;
      else if (f.maps.length) src = f.maps.subarray(n.map * m * m, (n.map + 1) * m * m);
      if (src) {
        for (let i = 0; i < m * m; i++) {
          const c = src[i] * 3;
          img[4 * i] = this.lut[c]; img[4 * i + 1] = this.lut[c + 1]; img[4 * i + 2] = this.lut[c + 2]; img[4 * i + 3] = 255;
        }
        small.putImageData(this.mapImage, 0, 0);
        ctx.globalAlpha = n.kind === "feature" && !n.on ? 0.25 : 1;
        ctx.drawImage(this.mapSmall, n.x, n.y, g.node, g.node);
      }
      ctx.globalAlpha = n.kind === "feature" && !n.on ? 0.35 : 0.9;
      ctx.strokeStyle = this.hover && this.hover.node === n ? sc.colors.text : sc.colors.muted;
      ctx.lineWidth = this.hover && this.hover.node === n ? 2 : 1;
      ctx.strokeRect(n.x + 0.5, n.y + 0.5, g.node - 1, g.node - 1);
    }
    ctx.globalAlpha = 1;
    g.biases.forEach((b, i) => {
      ctx.fillStyle = this.colorOf(f.biases[i]);
      ctx.fillRect(b.x, b.y, b.size, b.size);
      ctx.strokeStyle = this.hover && this.hover.bias === i ? sc.colors.text : sc.colors.muted;
      ctx.lineWidth = 1;
      ctx.strokeRect(b.x, b.y, b.size, b.size);
    });
  }

  drawChart(c) {
    const sc = this.scene, h = this.history, W = this.chartW, H = this.chartH;
    if (!sc) return;
    const ctx = c.canvas.getContext("2d");
    ctx.clearRect(0, 0, W, H);
    const k = sc.scale, left = Math.round(40 * k), top = Math.round(16 * k), bottom = H - Math.round(14 * k), right = W - 4;
    const col = c.metric === "loss" ? [2, 1] : [4, 3]; // test, train
    ctx.font = `${Math.round(11 * k)}px sans-serif`;
    ctx.fillStyle = sc.colors.muted;
    ctx.fillText(c.metric === "loss" ? "Loss" : "Accuracy", left, top - 4);
    let lo = Infinity, hi = -Infinity;
    if (c.metric === "accuracy") { lo = 0; hi = 1; }
    else for (const row of h) for (const j of col) if (Number.isFinite(row[j])) { lo = Math.min(lo, row[j]); hi = Math.max(hi, row[j]); }
    if (!Number.isFinite(lo)) { lo = 0; hi = 1; }
    if (hi - lo < 0.1 * Math.max(Math.abs(lo), Math.abs(hi), 1e-9)) {
      const mid = (lo + hi) / 2, least = 0.1 * Math.max(Math.abs(lo), Math.abs(hi)) || 0.1;
      lo = Math.max(0, mid - least / 2); hi = lo + least;
    }
    const e0 = h.length ? h[0][0] : 0, e1 = h.length > 1 ? h[h.length - 1][0] : e0 + 1;
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
    const step = Math.max(1, Math.floor(h.length / (right - left)));
    [[col[0], sc.colors.test, []], [col[1], sc.colors.train, [5, 3]]].forEach(([j, color, dash]) => {
      ctx.strokeStyle = color; ctx.lineWidth = 2 * k; ctx.setLineDash(dash);
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < h.length; i += step) {
        const v = h[i][j];
        if (!Number.isFinite(v)) { pen = false; continue; }
        const x = sx(h[i][0]), y = Math.max(top, Math.min(bottom, sy(v)));
        if (pen) ctx.lineTo(x, y); else ctx.moveTo(x, y);
        pen = true;
      }
      ctx.stroke();
    });
    ctx.setLineDash([]);
    // the legend, top right
    ctx.font = `${Math.round(11 * k)}px sans-serif`;
    ctx.textAlign = "right";
    ctx.fillStyle = sc.colors.test; ctx.fillText("— test", right - 64 * k, top - 4);
    ctx.fillStyle = sc.colors.train; ctx.fillText("- - training", right, top - 4);
    ctx.textAlign = "left";
    // hover: the values at the epoch under the mouse
    if (c.hoverX !== null && h.length) {
      const e = e0 + ((c.hoverX - left) / (right - left)) * (e1 - e0);
      let best = 0;
      for (let i = 0; i < h.length; i++) if (Math.abs(h[i][0] - e) < Math.abs(h[best][0] - e)) best = i;
      const row = h[best];
      ctx.strokeStyle = sc.colors.muted; ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(sx(row[0]), top); ctx.lineTo(sx(row[0]), bottom); ctx.stroke();
      const v = (x) => (c.metric === "accuracy" ? (Number.isFinite(x) ? `${(100 * x).toFixed(1)}%` : "–") : fmtLoss(x));
      c.tip.textContent = `epoch ${Math.round(row[0])}: test ${v(row[col[0]])}, training ${v(row[col[1]])}`;
      c.tip.style.display = "block";
      c.tip.style.left = `${Math.min(W - c.tip.offsetWidth, Math.max(0, c.hoverX - c.tip.offsetWidth / 2))}px`;
      c.tip.style.top = `${H + 2}px`;
    } else {
      c.tip.style.display = "none";
    }
  }

  // -------------------------------------------------------------- interaction
  hit(e) {
    const rect = this.net.getBoundingClientRect();
    const x = e.clientX - rect.left, y = e.clientY - rect.top, g = this.geo;
    if (!g) return null;
    for (let i = 0; i < g.biases.length; i++) {
      const b = g.biases[i];
      if (x >= b.x - 2 && x <= b.x + b.size + 2 && y >= b.y - 2 && y <= b.y + b.size + 2) return {bias: i, x, y};
    }
    for (const n of g.nodes) {
      if (x >= n.x && x <= n.x + g.node && y >= n.y && y <= n.y + g.node) return {node: n, map: n.map, x, y};
    }
    let best = null, bestD = 6;
    g.edges.forEach((edge, i) => {
      const p = edge.pts;
      if (x < p[0][0] - 6 || x > p[p.length - 1][0] + 6) return;
      for (let j = 1; j < p.length; j++) {
        const [ax, ay] = p[j - 1], [bx, by] = p[j];
        const dx = bx - ax, dy = by - ay, L = dx * dx + dy * dy || 1;
        const t = Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / L));
        const d = Math.hypot(x - ax - t * dx, y - ay - t * dy);
        if (d < bestD) { bestD = d; best = i; }
      }
    });
    return best === null ? null : {edge: best, x, y};
  }

  describe(h) {
    const sc = this.scene, f = this.frame;
    const layerName = (l) => (l === sc.layers.length - 1 ? "the output" : `layer ${l + 1}`);
    if (h.edge !== undefined) {
      const e = this.geo.edges[h.edge];
      const from = e.from.kind === "feature" ? e.from.label : `neuron ${e.from.index + 1} of layer ${e.layer}`;
      return {text: `Weight ${f.weights[h.edge].toFixed(3)}: ${from} → neuron ${e.row + 1} of ${layerName(e.layer)}`,
        what: `weight from ${from} to neuron ${e.row + 1} of ${layerName(e.layer)}`, value: f.weights[h.edge],
        target: {kind: "weight", layer: e.layer, row: e.row, col: e.col}};
    }
    if (h.bias !== undefined) {
      const b = this.geo.biases[h.bias];
      return {text: `Bias ${f.biases[h.bias].toFixed(3)}: neuron ${b.row + 1} of ${layerName(b.layer)}`,
        what: `bias of neuron ${b.row + 1} of ${layerName(b.layer)}`, value: f.biases[h.bias],
        target: {kind: "bias", layer: b.layer, row: b.row, col: -1}};
    }
    const n = h.node;
    if (n.kind === "feature") return {text: `Input ${n.label}: click to switch it ${n.on ? "off" : "on"}`};
    return {text: n.kind === "output" ? `Output neuron ${n.index + 1}` : `Layer ${n.layer + 1}, neuron ${n.index + 1}`};
  }

  netHover(e) {
    if (!this.frame) return;
    const h = this.hit(e);
    const before = this.hover;
    this.hover = h;
    if (h) {
      const d = this.describe(h);
      const editable = !this.scene.hide.includes("editor") && d.target;
      this.tip.textContent = d.text + (editable ? " (click to edit)" : "");
      this.tip.style.display = "block";
      // beside the pointer, never over what is being pointed at
      const tw = this.tip.offsetWidth, gw = this.geo.w;
      this.tip.style.left = `${h.x + 16 + tw > gw ? Math.max(0, h.x - tw - 16) : h.x + 16}px`;
      this.tip.style.top = `${h.y + 18}px`;
      this.net.style.cursor = d.target || (h.node && h.node.kind === "feature") ? "pointer" : "default";
    } else {
      this.tip.style.display = "none";
      this.net.style.cursor = "default";
    }
    const key = (x) => (x ? `${x.edge}|${x.bias}|${x.map}|${x.node && x.node.index}|${x.node && x.node.layer}` : "");
    if (key(before) !== key(h)) this.paintAll();
  }

  netLeave() {
    this.hover = null;
    this.tip.style.display = "none";
    this.paintAll();
  }

  netClick(e) {
    if (e.target.closest && (e.target.closest(".editor") || e.target.closest("button"))) return;
    const h = this.hit(e);
    if (!h) { this.closeEditor(); return; }
    if (h.node && h.node.kind === "feature") { this.send({t: "feature", name: h.node.name}); return; }
    const d = this.describe(h);
    if (d.target && !this.scene.hide.includes("editor")) this.openEditor(d, h);
  }

  openEditor(d, h) {
    const ed = this.editor;
    ed.replaceChildren();
    el("div", "", ed, `Edit the ${d.what}`);
    const input = el("input", "", ed);
    input.type = "number";
    input.step = "0.1";
    input.value = String(Math.round(d.value * 1e4) / 1e4);
    input.setAttribute("aria-label", "New value");
    const set = el("button", "pg", ed, "Set");
    const cancel = el("button", "pg", ed, "×");
    cancel.title = "Close";
    const submit = () => {
      const v = parseFloat(input.value);
      if (Number.isFinite(v)) this.send({t: "set", ...d.target, value: v});
      this.closeEditor();
    };
    set.onclick = (ev) => { ev.stopPropagation(); submit(); };
    cancel.onclick = (ev) => { ev.stopPropagation(); this.closeEditor(); };
    input.onkeydown = (ev) => {
      if (ev.key === "Enter") submit();
      if (ev.key === "Escape") this.closeEditor();
    };
    ed.style.display = "block";
    ed.style.left = `${Math.min(h.x + 10, this.geo.w - 260)}px`;
    ed.style.top = `${h.y + 14}px`;
    this.tip.style.display = "none";
    input.focus();
    input.select();
  }

  closeEditor() {
    this.editor.style.display = "none";
  }

  outClick(e) {
    const sc = this.scene;
    if (!sc || !this.outPx) return;
    const rect = this.heatCanvas.getBoundingClientRect();
    const fx = (e.clientX - rect.left) / rect.width, fy = (e.clientY - rect.top) / rect.height;
    if (fx < 0 || fx > 1 || fy < 0 || fy > 1) return;
    this.send({t: "click", x: (2 * fx - 1) * sc.extent, y: (1 - 2 * fy) * sc.extent});
  }

  close() {
    this.closed = true;
    if (this.socket) this.socket.close();
    this.resize.disconnect();
    window.removeEventListener("resize", this.onWindow);
  }
}

export function render({model, el}) {
  const stage = new Stage(model, el);
  model.on("remove", () => stage.close());
}
