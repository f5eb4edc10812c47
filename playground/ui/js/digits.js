// The MNIST page's stage (after core.js): the counter and the progress through the
// epoch, the readouts and the loss/accuracy curves (with the chance line), the
// per-class table, the first layer's weights as 28x28 images, the test-set
// confusion matrix (hover reads a cell, a click shows its digits) and the gallery
// of test digits with the network's top-3 guesses.

const DIGITS_CSS = `
.pg-stage { gap: 14px 26px; padding: 2px 8px; }
.col { display: flex; flex-direction: column; gap: 4px; }
.title { font-size: 13px; }
.title small { color: var(--muted); }
progress { width: 160px; height: 12px; accent-color: #0877bd; }
.grid { position: relative; }
.grid canvas { display: block; }
table.per { font-size: 12px; border-collapse: collapse; font-variant-numeric: tabular-nums; }
table.per td, table.per th { padding: 0 0 0 7px; text-align: right; }
table.per th:first-child { text-align: left; padding: 0; }
table.per th { color: var(--muted); font-weight: 600; }
.gopts { display: flex; align-items: center; gap: 10px; font-size: 13px; flex-wrap: wrap; }
.gopts label { display: inline-flex; align-items: center; gap: 4px; cursor: pointer; }
`;

class DigitsStage extends LiveStage {
  constructor(model, root) {
    super(model, root, DIGITS_CSS);
    this.weights = null; // the last weight images (uint8), kept until new ones come
    this.confusion = null;
    this.perClass = null;
    this.gallery = null;
    this.cellHover = null;
  }

  check(s) {
    const sc = this.scene, need = LiveStage.need, px = sc.side * sc.side;
    need(s, SECTION.PROGRESS, 1, true);
    need(s, SECTION.READOUT, READOUT_WIDTH, true);
    need(s, SECTION.WEIGHT_IMAGES, sc.units * px);
    need(s, SECTION.CONFUSION, sc.n_classes * sc.n_classes);
    need(s, SECTION.PER_CLASS, 3 * sc.n_classes);
    need(s, SECTION.PICK, 5);
    if (s[SECTION.HISTORY] && s[SECTION.HISTORY].length % HISTORY_WIDTH) throw new Error("history rows are cut short");
    const g = s[SECTION.GALLERY], q = s[SECTION.GUESSES];
    if (Boolean(g) !== Boolean(q) || Boolean(g) !== Boolean(s[SECTION.PICK])) throw new Error("a gallery comes whole");
    if (g && (g.length % px || q.length !== (g.length / px) * 7)) throw new Error("a guess for every digit");
    if (g && g.length / px > sc.gallery[0] * sc.gallery[1]) throw new Error("more digits than the gallery holds");
  }

  // ---------------------------------------------------------------------- DOM
  build(root) {
    // training: counter, progress, readouts, curves, per-class table
    this.trainCol = el("div", "col", root);
    const head = el("div", "head", this.trainCol);
    el("span", "heading", head, "Training");
    this.counter = el("span", "counter pg-epoch", head);
    this.counter.innerHTML = "Epoch <b id='epoch'>0</b>";
    this.epochEl = this.counter.querySelector("b");
    this.progress = el("progress", "", head);
    this.progress.max = 100;
    this.progress.setAttribute("value", "0");
    this.progress.title = "How far training is through the current epoch";
    this.buildReadout(this.trainCol);
    this.lossPart = el("div", "pg-chart", this.trainCol);
    this.chart(this.lossPart, "loss");
    this.chart(this.lossPart, "accuracy");
    this.buildPins(this.lossPart);
    this.perPart = el("div", "", this.trainCol);
    this.perPart.innerHTML = "<div class='title'><b>Per class</b> <small>(test set, %)</small></div>";
    this.perTable = el("table", "per", this.perPart);
    // the first layer's weights, and under them the confusion matrix
    this.midCol = el("div", "col", root);
    this.weightPart = el("div", "pg-weights", this.midCol);
    this.weightTitle = el("div", "title", this.weightPart);
    this.weightGrid = el("div", "grid", this.weightPart);
    this.weightCanvas = el("canvas", "", this.weightGrid);
    this.confPart = el("div", "", this.midCol);
    this.confPart.innerHTML = "<div class='title'><b>Confusion matrix</b> <small>(test set; click a cell to see its digits)</small></div>";
    this.confGrid = el("div", "grid pg-confusion", this.confPart);
    this.confCanvas = el("canvas", "", this.confGrid);
    this.confTip = el("div", "tip", this.confGrid);
    this.confCanvas.addEventListener("mousemove", (e) => this.confHover(e));
    this.confCanvas.addEventListener("mouseleave", () => { this.cellHover = null; this.confTip.style.display = "none"; this.paintConfusion(); });
    this.confCanvas.addEventListener("click", (e) => this.confClick(e));
    // the gallery of test digits
    this.galPart = el("div", "col", root);
    const gopts = el("div", "gopts", this.galPart);
    this.galTitle = el("span", "title", gopts);
    const lab = el("label", "", gopts);
    this.mistakes = el("input", "", lab);
    this.mistakes.type = "checkbox";
    lab.appendChild(document.createTextNode("Only mistakes"));
    lab.title = "Show only the test digits the network gets wrong.";
    this.mistakes.onchange = () => this.send({t: "gallery", mistakes: this.mistakes.checked});
    this.allButton = el("button", "pg", gopts, "All test digits");
    this.allButton.title = "Show the test digits again after picking a cell of the matrix.";
    this.allButton.onclick = () => { this.mistakes.checked = false; this.send({t: "gallery", mistakes: false}); };
    this.galGrid = el("div", "grid pg-gallery", this.galPart);
    this.galCanvas = el("canvas", "", this.galGrid);
  }

  // -------------------------------------------------------------------- scene
  setScene(scene) {
    this.scene = scene;
    this.applyColors(scene);
    this.lut = Uint8Array.from(scene.lut);
    this.greyLut = Uint8Array.from(scene.grey_lut);
    this.countLut = Uint8Array.from(scene.count_lut);
    this.frame = null;
    this.weights = null;
    const parts = new Set(scene.parts);
    this.lossPart.classList.toggle("hidden", !parts.has("loss"));
    this.readout.classList.toggle("hidden", !parts.has("loss") && !parts.has("output"));
    this.weightPart.classList.toggle("hidden", !parts.has("network"));
    this.confPart.classList.toggle("hidden", !parts.has("data"));
    this.perPart.classList.toggle("hidden", !parts.has("data"));
    this.galPart.classList.toggle("hidden", !parts.has("output"));
    this.readoutScene(scene);
    this.pinScene(scene);
    const what = scene.templates
      ? "the class templates of the softmax regression"
      : `the first ${scene.units} of the ${scene.layer_units} units of the first hidden layer`;
    this.weightTitle.innerHTML = `<b>Weights</b> <small>(${what}; each scaled to its largest)</small>`;
    this.relayout();
  }

  // Sizes grow with the theme's scale (presenter mode) and shrink to fit the
  // window: on a 1280x720 projector the three columns sit side by side and the
  // tallest (weights over the confusion matrix) fits below the controls; a phone
  // stacks them at its width.
  relayout() {
    const sc = this.scene;
    if (!sc) return;
    const width = (this.root.clientWidth || 1200) - 16;
    const top = this.root.getBoundingClientRect().top + window.scrollY;
    const avail = window.innerHeight - Math.max(0, top) - 12;
    const parts = new Set(sc.parts);
    const wide = (parts.has("loss") ? 340 : 0) + (parts.has("network") || parts.has("data") ? 330 : 0)
      + (parts.has("output") ? 420 : 0) + 52;
    const tall = (parts.has("network") ? 30 + 44 * Math.ceil(sc.units / 8) : 0) + (parts.has("data") ? 330 : 0);
    let k = sc.scale;
    if (width >= 700) k = Math.min(k, width / wide, Math.max(0.75, avail / Math.max(tall, 1)));
    else k = Math.min(k, width / 430);
    k = Math.max(0.6, k);
    this.sizeCharts(Math.round(330 * k), Math.round(78 * k));
    this.wcell = Math.round(41 * k);
    const rows = Math.ceil(sc.units / 8);
    this.wsize = [8 * this.wcell, rows * (this.wcell + (sc.templates ? Math.round(14 * k) : 0))];
    sizeCanvas(this.weightCanvas, ...this.wsize);
    this.ccell = Math.round(26 * k);
    this.cpad = [Math.round(34 * k), Math.round(6 * k), Math.round(30 * k)]; // left, top, bottom
    const n = sc.n_classes;
    this.csize = [this.cpad[0] + n * this.ccell + 4, this.cpad[1] + n * this.ccell + this.cpad[2]];
    sizeCanvas(this.confCanvas, ...this.csize);
    this.gcell = [Math.round(52 * k), Math.round(70 * k)];
    this.k = k;
    this.gsize = [sc.gallery[0] * this.gcell[0], sc.gallery[1] * this.gcell[1]];
    sizeCanvas(this.galCanvas, ...this.gsize);
    // each column as wide as what it draws: its titles wrap inside it
    this.trainCol.style.width = `${this.chartW + 8}px`;
    this.midCol.style.width = `${Math.max(this.wsize[0], this.csize[0])}px`;
    this.galPart.style.width = `${this.gsize[0]}px`;
    this.digit = document.createElement("canvas");
    this.digit.width = this.digit.height = sc.side;
    this.digitImage = new ImageData(sc.side, sc.side);
    this.paintAll();
  }

  // -------------------------------------------------------------------- paint
  paint(frame) {
    const s = frame.sections, sc = this.scene;
    const r = s[SECTION.READOUT];
    if (s[SECTION.HISTORY]) this.takeHistory(s[SECTION.HISTORY], r[READOUT.start]);
    if (s[SECTION.WEIGHT_IMAGES]) this.weights = s[SECTION.WEIGHT_IMAGES].slice();
    if (s[SECTION.CONFUSION]) this.confusion = Array.from(s[SECTION.CONFUSION]);
    if (s[SECTION.PER_CLASS]) this.perClass = Array.from(s[SECTION.PER_CLASS]);
    if (s[SECTION.GALLERY]) {
      const pick = Array.from(s[SECTION.PICK]);
      this.gallery = {images: s[SECTION.GALLERY].slice(), guesses: Array.from(s[SECTION.GUESSES]), pick};
      this.mistakes.checked = pick[0] === 1;
    }
    this.frame = {epoch: frame.epoch, progress: s[SECTION.PROGRESS][0], readout: Array.from(r),
      weights: Boolean(s[SECTION.WEIGHT_IMAGES]), test: Boolean(s[SECTION.CONFUSION]), gallery: Boolean(s[SECTION.GALLERY])};
    this.paintAll(this.frame);
    if (sc.parts.includes("loss")) this.scheduleCharts();
  }

  // Paints what a frame changed (all of it after a relayout: no frame given).
  paintAll(changed = null) {
    const f = this.frame;
    if (!f || !this.scene) return;
    this.epochEl.textContent = f.epoch.toLocaleString("en");
    this.progress.setAttribute("value", String(Math.round(100 * f.progress)));
    this.paintReadout(f.readout);
    if (!changed || changed.weights) this.paintWeights();
    if (!changed || changed.test) { this.paintConfusion(); this.paintPerClass(); }
    if (!changed || changed.gallery) this.paintGallery();
    if (!changed) this.drawCharts();
  }

  // One 28x28 image of `src` (uint8) through `lut`, drawn at (x, y) size `size`.
  drawDigit(ctx, src, lut, x, y, size) {
    paintLut(src, lut, this.digitImage.data);
    this.digit.getContext("2d").putImageData(this.digitImage, 0, 0);
    ctx.drawImage(this.digit, x, y, size, size);
  }

  paintWeights() {
    const sc = this.scene, k = this.k, ctx = this.weightCanvas.getContext("2d"), px = sc.side * sc.side;
    ctx.clearRect(0, 0, ...this.wsize);
    if (!this.weights) return;
    ctx.imageSmoothingEnabled = false;
    const c = this.wcell, label = sc.templates ? Math.round(14 * k) : 0;
    ctx.font = `${Math.round(11 * k)}px sans-serif`;
    ctx.textAlign = "center";
    ctx.fillStyle = sc.colors.muted;
    for (let u = 0; u < sc.units; u++) {
      const x = (u % 8) * c, y = Math.floor(u / 8) * (c + label);
      this.drawDigit(ctx, this.weights.subarray(u * px, (u + 1) * px), this.lut, x + 2, y + 2, c - 4);
      if (label) ctx.fillText(String(u), x + c / 2, y + c + label - 3);
    }
  }

  paintConfusion() {
    const sc = this.scene, ctx = this.confCanvas.getContext("2d"), n = sc.n_classes, k = this.k;
    const [left, top] = this.cpad, c = this.ccell;
    ctx.clearRect(0, 0, ...this.csize);
    const counts = this.confusion;
    let most = 0;
    if (counts) for (const v of counts) most = Math.max(most, v);
    ctx.font = `${Math.round(9 * k)}px sans-serif`;
    ctx.textAlign = "center";
    ctx.textBaseline = "middle";
    for (let t = 0; t < n; t++) {
      for (let p = 0; p < n; p++) {
        const v = counts ? counts[t * n + p] : 0;
        const x = left + p * c, y = top + t * c;
        // log shading: the largest cell is the darkest, whatever the test-set size
        const shade = v > 0 ? Math.log1p(v) / Math.log1p(most) : 0;
        if (v > 0) {
          const i = Math.round(255 * shade) * 3, L = this.countLut;
          ctx.fillStyle = `rgb(${L[i]},${L[i + 1]},${L[i + 2]})`;
        } else {
          ctx.fillStyle = sc.colors.panel;
        }
        ctx.fillRect(x + 1, y + 1, c - 2, c - 2);
        const pick = this.gallery && this.gallery.pick;
        const picked = pick && pick[0] === 2 && pick[1] === t && pick[2] === p;
        const hovered = this.cellHover && this.cellHover[0] === t && this.cellHover[1] === p;
        if (picked || hovered) {
          ctx.strokeStyle = picked ? sc.colors.mistake : sc.colors.text;
          ctx.lineWidth = 2;
          ctx.strokeRect(x + 1, y + 1, c - 2, c - 2);
        }
        if (v > 0) {
          ctx.fillStyle = shade > 0.6 ? "#ffffff" : "#333333";
          ctx.fillText(String(v), x + c / 2, y + c / 2 + 0.5);
        }
      }
    }
    ctx.fillStyle = sc.colors.muted;
    ctx.font = `${Math.round(11 * k)}px sans-serif`;
    for (let d = 0; d < n; d++) {
      ctx.textAlign = "center";
      ctx.fillText(String(d), left + d * c + c / 2, top + n * c + 8 * k);
      ctx.textAlign = "right";
      ctx.fillText(String(d), left - 5, top + d * c + c / 2);
    }
    ctx.textAlign = "center";
    ctx.fillText("predicted", left + (n * c) / 2, top + n * c + 22 * k);
    ctx.save();
    ctx.translate(9 * k, top + (n * c) / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText("true digit", 0, 0);
    ctx.restore();
    ctx.textBaseline = "alphabetic";
    // what a test can read: the counts and where the cells are
    this.confGrid.dataset.counts = counts ? counts.join(",") : "";
    this.confGrid.dataset.cells = [left, top, c].join(",");
  }

  cellAt(e) {
    const sc = this.scene;
    if (!sc || !this.confusion) return null;
    const [left, top] = this.cpad, c = this.ccell;
    const p = Math.floor((e.offsetX - left) / c), t = Math.floor((e.offsetY - top) / c);
    return p >= 0 && t >= 0 && p < sc.n_classes && t < sc.n_classes ? [t, p] : null;
  }

  confHover(e) {
    const cell = this.cellAt(e);
    const before = this.cellHover;
    this.cellHover = cell;
    if (cell) {
      const [t, p] = cell, v = this.confusion[t * this.scene.n_classes + p];
      this.confTip.textContent = `${v} digits ${t} predicted as ${p} (click to see)`;
      this.confTip.style.display = "block";
      // beside the cell, never over it
      const [left, top] = this.cpad, c = this.ccell;
      this.confTip.style.left = `${left + (p + 1) * c + 4}px`;
      this.confTip.style.top = `${top + (t + 1) * c + 2}px`;
      this.confCanvas.style.cursor = "pointer";
    } else {
      this.confTip.style.display = "none";
      this.confCanvas.style.cursor = "default";
    }
    if (String(before) !== String(cell)) this.paintConfusion();
  }

  confClick(e) {
    const cell = this.cellAt(e);
    if (cell) this.send({t: "cell", true: cell[0], pred: cell[1]});
  }

  // One column a digit (three short rows fit under the curves).
  paintPerClass() {
    const digits = [...Array(this.scene.n_classes).keys()].map(String);
    this.perTable.innerHTML = perClassRows("digit", digits, this.perClass);
  }

  paintGallery() {
    const sc = this.scene, k = this.k, ctx = this.galCanvas.getContext("2d"), px = sc.side * sc.side;
    ctx.clearRect(0, 0, ...this.gsize);
    const g = this.gallery;
    if (!g) { this.galTitle.innerHTML = "<b>Test digits</b>"; return; }
    const [kind, t, p, count, total] = g.pick;
    this.galTitle.innerHTML = kind === 2 ? `<b>Digits ${t} predicted as ${p}</b> <small>(${count})</small>`
      : kind === 1 ? `<b>Mistakes</b> <small>(${count} of ${total})</small>` : "<b>Test digits</b>";
    const [cw, ch] = this.gcell, size = Math.round(40 * k), cols = sc.gallery[0];
    ctx.imageSmoothingEnabled = false;
    ctx.textAlign = "center";
    ctx.textBaseline = "top";
    for (let i = 0; i < g.images.length / px; i++) {
      const x = (i % cols) * cw + (cw - size) / 2, y = Math.floor(i / cols) * ch + 3;
      this.drawDigit(ctx, g.images.subarray(i * px, (i + 1) * px), this.greyLut, x, y, size);
      const q = g.guesses.slice(7 * i, 7 * i + 7); // true, top-3 digits, their probabilities
      if (q[1] !== q[0]) {
        ctx.strokeStyle = sc.colors.mistake;
        ctx.lineWidth = 2;
        ctx.strokeRect(x - 2, y - 2, size + 4, size + 4);
      }
      ctx.fillStyle = sc.colors.text;
      ctx.font = `bold ${Math.round(12 * k)}px sans-serif`;
      ctx.fillText(`${q[1]}  ${Math.round(100 * q[4])}%`, x + size / 2, y + size + 3);
      ctx.fillStyle = sc.colors.muted;
      ctx.font = `${Math.round(9 * k)}px sans-serif`;
      ctx.fillText(`${q[2]}:${Math.round(100 * q[5])}% ${q[3]}:${Math.round(100 * q[6])}%`, x + size / 2, y + size + 17 * k);
    }
    ctx.textBaseline = "alphabetic";
    this.galGrid.dataset.shown = String(g.images.length / px);
  }
}

export function render({model, el}) {
  const stage = new DigitsStage(model, el);
  model.on("remove", () => stage.close());
}
