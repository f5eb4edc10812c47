// The 2-D page's stage (after core.js): the network diagram with its labelled
// inputs, editable edges and neuron maps, the output heatmap with its points, the
// counter, the readouts and the loss curves.

const PLANE_CSS = `
.net { position: relative; }
.net canvas, .plot canvas { position: absolute; left: 0; top: 0; }
.flabel { position: absolute; color: var(--text); white-space: nowrap; text-align: right; cursor: pointer;
  background: none; border: 0; padding: 0 2px; font: inherit; }
.flabel:hover { text-decoration: underline; }
.flabel.off { color: var(--muted); opacity: .7; }
.pm { position: absolute; display: flex; gap: 3px; }
.pm button.pg { padding: 0 7px; line-height: 18px; }
.editor { position: absolute; z-index: 6; background: var(--panel); color: var(--text); border: 1px solid var(--muted);
  border-radius: 5px; padding: 6px 8px; font-size: 13px; display: none; box-shadow: 0 2px 8px rgba(0,0,0,.3); }
.editor input { width: 90px; font: inherit; margin: 4px 4px 0 0; }
.plot { position: relative; }
.ticks { position: absolute; color: var(--muted); pointer-events: none; }
.legend { display: flex; align-items: center; gap: 6px; flex-wrap: wrap; margin-top: 6px; color: var(--muted); }
.legend canvas { border: 1px solid var(--grid); }
.count { color: var(--muted); font-size: 12px; margin-top: 2px; }
.swatch { display: inline-flex; align-items: center; gap: 4px; margin-right: 6px; color: var(--text); }
.swatch i { display: inline-block; width: 12px; height: 12px; border-radius: 6px; border: 1px solid var(--grid); }
`;

class PlaneStage extends LiveStage {
  constructor(model, root) {
    super(model, root, PLANE_CSS + INSIDE_CSS);
    this.points = new Float32Array(0);
    this.tiles = null;
    this.hover = null;
  }

  check(s) {
    this.inside.check(s);
    const sc = this.scene, need = LiveStage.need;
    need(s, SECTION.HEAT, sc.res * sc.res * (sc.kind === "multiclass" ? 2 : 1), true);
    need(s, SECTION.MAPS, this.nodeCount() * sc.mres * sc.mres);
    need(s, SECTION.WEIGHTS, this.geo.edges.length, true);
    need(s, SECTION.BIASES, this.geo.biases.length, true);
    need(s, SECTION.TILES, sc.features.length * sc.mres * sc.mres);
    need(s, SECTION.READOUT, READOUT_WIDTH, true);
    if (s[SECTION.POINTS] && s[SECTION.POINTS].length % 4) throw new Error("points come in fours");
    if (s[SECTION.HISTORY] && s[SECTION.HISTORY].length % HISTORY_WIDTH) throw new Error("history rows are cut short");
  }

  // ---------------------------------------------------------------------- DOM
  build(root) {
    // network column
    this.netCol = el("div", "col", root);
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
    this.outCol = el("div", "col", root);
    const ohead = el("div", "head", this.outCol);
    el("span", "heading", ohead, "Output");
    this.counter = el("span", "counter pg-epoch", ohead);
    this.counter.innerHTML = "Epoch <b id='epoch'>000,000</b>";
    this.epochEl = this.counter.querySelector("b");
    this.pinSlot = el("span", "", ohead);
    this.pinSlot.style.marginLeft = "auto";
    this.buildReadout(this.outCol);
    this.outputPart = el("div", "", this.outCol);
    this.plot = el("div", "plot pg-output", this.outputPart);
    this.heatCanvas = el("canvas", "", this.plot);
    this.pointCanvas = el("canvas", "", this.plot);
    this.ticks = el("div", "", this.plot);
    this.plot.addEventListener("click", (e) => this.outClick(e));
    this.legend = el("div", "legend", this.outputPart);
    this.count = el("div", "count", this.outputPart);
    this.count.innerHTML = "<span id='n-train'>0</span> training points, "
      + "<span class='val'><span id='n-validation'>0</span> validation points (hollow), </span>"
      + "<span id='n-test'>0</span> test points";
    this.nTrain = this.count.querySelector("#n-train");
    this.nVal = this.count.querySelector("#n-validation");
    this.nTest = this.count.querySelector("#n-test");
    this.lossPart = el("div", "", this.outCol);
    this.lossChart = this.chart(this.lossPart, "loss");
    this.accChart = this.chart(this.lossPart, "accuracy");
    this.buildPins(this.pinSlot, this.lossPart);
    // under both columns: the views inside the network, when shown
    this.inside = new InsideViews(this, root);
  }

  // -------------------------------------------------------------------- scene
  setScene(scene) {
    this.scene = scene;
    this.applyColors(scene);
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
    this.readoutScene(scene);
    this.pinScene(scene);
    this.pinSlot.classList.toggle("hidden", !parts.has("loss"));
    this.nVal.parentElement.classList.toggle("hidden", !scene.validation);
    this.inside.setScene(scene);
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
    const pinH = showLoss && !sc.hide.includes("pins") && sc.pins.length ? 20 : 0; // the list of pins
    const chartH = showLoss ? Math.round(70 * k) * (sc.kind === "regression" ? 1 : 2) + 8 + pinH : 0;
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
    // (wide enough for a line of three losses: test, validation and training)
    const outW = Math.max(out, showLoss ? Math.round(260 * k) : 0, Math.round(300 * k)) + (showOut ? 46 : 0);
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
    this.inside.relayout(k);
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
    this.sizeCharts(this.chartW, this.chartH);
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
    if (s[SECTION.HISTORY]) this.takeHistory(s[SECTION.HISTORY], r[READOUT.start]);
    this.frame = {epoch: frame.epoch, heat: s[SECTION.HEAT].slice(), maps: s[SECTION.MAPS] ? s[SECTION.MAPS].slice() : new Uint8Array(0),
      weights: s[SECTION.WEIGHTS].slice(), biases: s[SECTION.BIASES].slice(), readout: Array.from(r),
      points: Boolean(s[SECTION.POINTS])};
    // a tooltip over an edge or a bias reads the value now shown, as it trains
    if (this.hover && this.tip.style.display === "block") this.tip.textContent = this.tipText(this.describe(this.hover));
    this.paintAll();
    this.inside.paint(s);
  }

  paintAll() {
    if (!this.frame || !this.geo) return;
    const f = this.frame, sc = this.scene;
    this.epochEl.textContent = fmtEpoch(f.epoch);
    this.paintReadout(f.readout);
    if (this.outPx) {
      this.paintHeat();
      if (this.pointsDirty) this.paintPoints();
    }
    if (sc.parts.includes("network")) {
      this.paintEdges();
      this.paintNodes();
    }
    if (sc.parts.includes("loss")) this.scheduleCharts();
  }

  paintHeat() {
    const sc = this.scene, f = this.frame, img = this.heatImage.data, n = sc.res * sc.res;
    const preview = this.hover && this.hover.map !== undefined ? this.hover.map : null;
    if (preview !== null) {
      // the neuron under the mouse, large: its map, coloured like the diagram
      const m = sc.mres;
      paintLut(f.maps.subarray(preview * m * m, (preview + 1) * m * m), this.lut, this.mapImage.data);
      this.mapSmall.getContext("2d").putImageData(this.mapImage, 0, 0);
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
      paintLut(f.heat, this.heatLut, img);
    }
    this.heatSmall.getContext("2d").putImageData(this.heatImage, 0, 0);
    const ctx = this.heatCanvas.getContext("2d");
    ctx.imageSmoothingEnabled = true;
    ctx.drawImage(this.heatSmall, 0, 0, this.outPx, this.outPx);
  }

  // A point's fill: its class's colour, or its value on the palette (regression).
  // `index`: the label is a class index (0, 1, ...), not the -1/+1 of two classes.
  pointColor(label, index = false) {
    const sc = this.scene;
    if (sc.kind === "regression") return this.colorOf(label);
    if (sc.kind === "binary" && !index) return label > 0 ? sc.class_colors[1] : sc.class_colors[0];
    return sc.class_colors[Math.round(label)] || sc.colors.text;
  }

  paintPoints() {
    const sc = this.scene, p = this.points, out = this.outPx;
    const ctx = this.pointCanvas.getContext("2d");
    ctx.clearRect(0, 0, out, out);
    const radius = 3 * sc.scale * Math.max(0.8, out / 330);
    const toPx = (v) => ((v + sc.extent) / (2 * sc.extent)) * out;
    const color = (label) => this.pointColor(label);
    ctx.lineWidth = 1.2;
    const n = {[SIDE.train]: 0, [SIDE.validation]: 0, [SIDE.test]: 0};
    for (let i = 0; i < p.length; i += 4) {
      const side = Math.round(p[i + 3]);
      n[side] += 1;
      if (side === SIDE.test && !sc.show_test) continue;
      const x = toPx(p[i]), y = out - toPx(p[i + 1]);
      ctx.beginPath();
      if (side === SIDE.validation) {
        // hollow: a ring of the class's colour on a white halo, never trained on
        ctx.arc(x, y, radius * 0.8, 0, 2 * Math.PI);
        ctx.lineWidth = 3.2 * sc.scale;
        ctx.strokeStyle = "#ffffff";
        ctx.stroke();
        ctx.lineWidth = 1.8 * sc.scale;
        ctx.strokeStyle = color(p[i + 2]);
        ctx.stroke();
        ctx.lineWidth = 1.2;
        continue;
      }
      ctx.arc(x, y, radius, 0, 2 * Math.PI);
      ctx.fillStyle = color(p[i + 2]);
      ctx.globalAlpha = side === SIDE.train ? 1 : 0.9;
      ctx.fill();
      ctx.strokeStyle = side === SIDE.train ? "#ffffff" : "#111111";
      ctx.stroke();
    }
    ctx.globalAlpha = 1;
    this.pointsDirty = false;
    this.nTrain.textContent = String(n[SIDE.train]);
    this.nVal.textContent = String(n[SIDE.validation]);
    this.nTest.textContent = String(n[SIDE.test]);
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
    const small = this.mapSmall.getContext("2d");
    for (const n of g.nodes) {
      let src = null;
      if (n.kind === "feature") src = this.tiles ? this.tiles.subarray(n.index * m * m, (n.index + 1) * m * m) : null;
      else if (f.maps.length) src = f.maps.subarray(n.map * m * m, (n.map + 1) * m * m);
      if (src) {
        paintLut(src, this.lut, this.mapImage.data);
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

  tipText(d) {
    const editable = !this.scene.hide.includes("editor") && d.target;
    return d.text + (editable ? " (click to edit)" : "");
  }

  netHover(e) {
    if (!this.frame) return;
    const h = this.hit(e);
    const before = this.hover;
    this.hover = h;
    if (h) {
      const d = this.describe(h);
      this.tip.textContent = this.tipText(d);
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

}

export function render({model, el}) {
  const stage = new PlaneStage(model, el);
  model.on("remove", () => stage.close());
}
