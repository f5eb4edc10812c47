// The MNIST page's stage (after core.js): the counter and the progress through the
// epoch, the readouts and the loss/accuracy curves (with the chance line), the
// per-class table, the first layer's weights as 28x28 images, the test-set
// confusion matrix (hover reads a cell, a click shows its digits), the gallery
// of test digits with the network's top-3 guesses and the model summary. A conv
// net shows its first layer's filters instead of the weight images and, in a row
// of its own, the feature maps of every conv and pool layer for the test digit
// picked in the gallery and for the digit drawn on the pad (ConvNetJS-style).

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
table.summary { font-size: 13px; border-collapse: collapse; font-variant-numeric: tabular-nums; margin-top: 2px; }
table.summary td, table.summary th { padding: 1px 0 1px 12px; text-align: left; white-space: nowrap; }
table.summary td:first-child, table.summary th:first-child { padding-left: 0; font-weight: 600; }
table.summary th { color: var(--muted); font-weight: 600; border-bottom: 1px solid var(--grid); }
table.summary td.n { text-align: right; }
table.summary td.kind { color: var(--muted); white-space: normal; }
table.summary tr.total td { border-top: 1px solid var(--grid); font-weight: 700; }
.pg-maps { flex: 1 1 100%; }
.maprow { display: flex; flex-wrap: wrap; gap: 6px 24px; }
.gopts { display: flex; align-items: center; gap: 10px; font-size: 13px; flex-wrap: wrap; }
.gopts label { display: inline-flex; align-items: center; gap: 4px; cursor: pointer; }
`;

// The outline of the gallery digit whose feature maps are shown.
const PICKED = "#0877bd";

class DigitsStage extends LiveStage {
  constructor(model, root) {
    super(model, root, DIGITS_CSS);
    this.weights = null; // the last weight images (uint8), kept until new ones come
    this.confusion = null;
    this.perClass = null;
    this.gallery = null;
    this.cellHover = null;
    this.filters = null; // a conv net's first-layer kernels (uint8)
    this.augmented = null; // training images then their augmented copies (uint8)
    this.maps = null; // {images: uint8 feature maps, digits: [index, true, guess, p] rows}
    this.scratch = {}; // a small canvas per map size (maps are painted 1:1, then scaled)
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
    if (g && (!s[SECTION.GALLERY_INDEX] || s[SECTION.GALLERY_INDEX].length !== g.length / px)) throw new Error("an index for every digit");
    const cv = sc.conv;
    need(s, SECTION.FILTERS, cv ? cv.filters * cv.kernel * cv.kernel : 0);
    const m = s[SECTION.FEATURE_MAPS], d = s[SECTION.MAP_DIGITS];
    const a = s[SECTION.AUGMENTED];
    if (a && (!sc.augment.length || !a.length || a.length % (2 * px) || a.length > 2 * sc.augmented * px)) {
      throw new Error("augmented images come in pairs, while augmentation is on");
    }
    if (m || d) {
      if (!cv) throw new Error("feature maps of a network without conv layers");
      if (!m || !d || !d.length || d.length % 4 || d.length > 8) throw new Error("feature maps come with their digits");
      if (m.length !== (d.length / 4) * this.mapValues()) throw new Error("feature maps do not fit the layers");
    }
  }

  // How many values one digit's feature maps are (its image first).
  mapValues() {
    return this.scene.conv.layers.reduce((n, L) => n + L.c * L.h * L.w, 0);
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
    this.filterPart = el("div", "pg-filters", this.midCol);
    this.filterTitle = el("div", "title", this.filterPart);
    this.filterGrid = el("div", "grid", this.filterPart);
    this.filterCanvas = el("canvas", "", this.filterGrid);
    this.confPart = el("div", "", this.midCol);
    this.confPart.innerHTML = "<div class='title'><b>Confusion matrix</b> <small>(test set; click a cell to see its digits)</small></div>";
    this.confGrid = el("div", "grid pg-confusion", this.confPart);
    this.confCanvas = el("canvas", "", this.confGrid);
    this.confTip = el("div", "tip", this.confGrid);
    this.confCanvas.addEventListener("mousemove", (e) => this.confHover(e));
    this.confCanvas.addEventListener("mouseleave", () => { this.cellHover = null; this.confTip.style.display = "none"; this.paintConfusion(); });
    this.confCanvas.addEventListener("click", (e) => this.confClick(e));
    // the gallery of test digits, and under it the model summary
    this.rightCol = el("div", "col", root);
    this.galPart = el("div", "col", this.rightCol);
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
    this.galCanvas.addEventListener("click", (e) => this.galClick(e));
    // a few training images over their augmented copies (augmentation on)
    this.augPart = el("div", "pg-augmented", this.rightCol);
    this.augTitle = el("div", "title", this.augPart);
    this.augCanvas = el("canvas", "", this.augPart);
    this.summaryPart = el("div", "pg-summary", this.rightCol);
    this.summaryPart.innerHTML = "<div class='title'><b>Model summary</b> <small>(each layer's output for one image; parameters are what training changes)</small></div>";
    this.summaryTable = el("table", "summary", this.summaryPart);
    // a conv net's feature maps: a row of their own, a block per digit
    this.mapPart = el("div", "col pg-maps", root);
    this.mapTitle = el("div", "title", this.mapPart);
    const row = el("div", "maprow", this.mapPart);
    this.mapCanvases = [el("canvas", "pg-map-test", row), el("canvas", "pg-map-drawn", row)];
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
    this.filters = null;
    this.maps = null;
    this.augmented = null;
    const parts = new Set(scene.parts), conv = Boolean(scene.conv);
    this.lossPart.classList.toggle("hidden", !parts.has("loss"));
    this.readout.classList.toggle("hidden", !parts.has("loss") && !parts.has("output"));
    this.weightPart.classList.toggle("hidden", !parts.has("network") || conv);
    this.filterPart.classList.toggle("hidden", !parts.has("network") || !conv);
    this.mapPart.classList.toggle("hidden", !parts.has("network") || !conv);
    this.summaryPart.classList.toggle("hidden", !parts.has("network"));
    this.augPart.classList.toggle("hidden", !parts.has("data") || !scene.augment.length);
    this.augTitle.innerHTML = `<b>Augmentation</b> <small>(${scene.augment.join(", ")}: training images, `
      + "and under each the copy this epoch trains on)</small>";
    this.paintSummary();
    if (conv) {
      const c = scene.conv;
      const colours = c.signed ? "orange negative, blue positive, each layer scaled to its largest"
        : "black 0 to white, each layer scaled to its largest";
      this.mapTitle.innerHTML = "<b>Feature maps</b> <small>(what each conv and pool layer makes of a digit: "
        + `click a test digit in the gallery, or draw one on the pad; ${colours})</small>`;
      this.filterTitle.innerHTML = `<b>Filters</b> <small>(the ${c.filters} ${c.kernel}×${c.kernel} kernels of the first conv layer; each scaled to its largest)</small>`;
    }
    this.galCanvas.title = conv ? "Click a digit to see its feature maps." : "";
    this.galCanvas.style.cursor = conv ? "pointer" : "default";
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
    const netRows = sc.conv ? Math.ceil(sc.conv.filters / 8) : Math.ceil(sc.units / 8);
    const tall = (parts.has("network") ? 30 + 44 * netRows : 0) + (parts.has("data") ? 330 : 0);
    let k = sc.scale;
    if (width >= 700) k = Math.min(k, width / wide, Math.max(0.75, avail / Math.max(tall, 1)));
    else k = Math.min(k, width / 430);
    k = Math.max(0.6, k);
    this.sizeCharts(Math.round(330 * k), Math.round(78 * k));
    this.wcell = Math.round(41 * k);
    const rows = Math.ceil(sc.units / 8);
    this.wsize = [8 * this.wcell, rows * (this.wcell + (sc.templates ? Math.round(14 * k) : 0))];
    sizeCanvas(this.weightCanvas, ...this.wsize);
    const nf = sc.conv ? sc.conv.filters : 0;
    this.fsize = [Math.min(nf, 8) * this.wcell, Math.ceil(nf / 8) * this.wcell];
    sizeCanvas(this.filterCanvas, ...this.fsize);
    this.ccell = Math.round(26 * k);
    this.cpad = [Math.round(34 * k), Math.round(6 * k), Math.round(30 * k)]; // left, top, bottom
    const n = sc.n_classes;
    this.csize = [this.cpad[0] + n * this.ccell + 4, this.cpad[1] + n * this.ccell + this.cpad[2]];
    sizeCanvas(this.confCanvas, ...this.csize);
    this.gcell = [Math.round(52 * k), Math.round(70 * k)];
    this.k = k;
    this.gsize = [sc.gallery[0] * this.gcell[0], sc.gallery[1] * this.gcell[1]];
    sizeCanvas(this.galCanvas, ...this.gsize);
    this.asize = [sc.augmented * this.gcell[0], 2 * Math.round(46 * k)];
    sizeCanvas(this.augCanvas, ...this.asize);
    // each column as wide as what it draws: its titles wrap inside it
    this.trainCol.style.width = `${this.chartW + 8}px`;
    this.midCol.style.width = `${Math.max(sc.conv ? this.fsize[0] : this.wsize[0], this.csize[0])}px`;
    this.rightCol.style.width = `${this.gsize[0]}px`;
    this.digit = document.createElement("canvas");
    this.digit.width = this.digit.height = sc.side;
    this.digitImage = new ImageData(sc.side, sc.side);
    this.layoutMaps(width);
    this.paintAll();
  }

  // -------------------------------------------------------------------- paint
  paint(frame) {
    const s = frame.sections, sc = this.scene;
    const r = s[SECTION.READOUT];
    if (s[SECTION.HISTORY]) this.takeHistory(s[SECTION.HISTORY], r[READOUT.start]);
    if (s[SECTION.WEIGHT_IMAGES]) this.weights = s[SECTION.WEIGHT_IMAGES].slice();
    if (s[SECTION.FILTERS]) this.filters = s[SECTION.FILTERS].slice();
    if (s[SECTION.AUGMENTED]) this.augmented = s[SECTION.AUGMENTED].slice();
    if (s[SECTION.FEATURE_MAPS]) {
      this.maps = {images: s[SECTION.FEATURE_MAPS].slice(), digits: Array.from(s[SECTION.MAP_DIGITS])};
      this.mapPart.dataset.mapsAt = String(performance.now()); // (when new maps came: a test reads it)
    }
    if (s[SECTION.CONFUSION]) this.confusion = Array.from(s[SECTION.CONFUSION]);
    if (s[SECTION.PER_CLASS]) this.perClass = Array.from(s[SECTION.PER_CLASS]);
    if (s[SECTION.GALLERY]) {
      const pick = Array.from(s[SECTION.PICK]);
      this.gallery = {images: s[SECTION.GALLERY].slice(), guesses: Array.from(s[SECTION.GUESSES]), pick,
        index: Array.from(s[SECTION.GALLERY_INDEX])};
      this.mistakes.checked = pick[0] === 1;
    }
    this.frame = {epoch: frame.epoch, progress: s[SECTION.PROGRESS][0], readout: Array.from(r),
      weights: Boolean(s[SECTION.WEIGHT_IMAGES]), test: Boolean(s[SECTION.CONFUSION]), gallery: Boolean(s[SECTION.GALLERY]),
      filters: Boolean(s[SECTION.FILTERS]), maps: Boolean(s[SECTION.FEATURE_MAPS]),
      augmented: Boolean(s[SECTION.AUGMENTED])};
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
    if (!changed || changed.filters) this.paintFilters();
    if (!changed || changed.augmented) this.paintAugmented();
    if (!changed || changed.maps) this.paintMaps();
    if (!changed || changed.gallery || changed.maps) this.paintGallery();
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
      if (this.maps && g.index[i] === this.maps.digits[0]) { // the digit whose maps are shown
        ctx.fillStyle = PICKED;
        ctx.fillRect(x - 6, y - 6, size + 12, size + 12);
      }
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

  // A click on a gallery digit asks for its feature maps (a conv net's).
  galClick(e) {
    const sc = this.scene, g = this.gallery;
    if (!sc || !sc.conv || !g) return;
    const [cw, ch] = this.gcell;
    const i = Math.floor(e.offsetY / ch) * sc.gallery[0] + Math.floor(e.offsetX / cw);
    if (e.offsetX >= 0 && e.offsetX < sc.gallery[0] * cw && i >= 0 && i < g.index.length) this.send({t: "digit", i: g.index[i]});
  }

  // The scene's model summary: a row a layer, then the total.
  paintSummary() {
    const rows = this.scene.summary || [];
    const shape = (s) => (s.length ? `(${s.join(", ")}${s.length === 1 ? "," : ""})` : "");
    const esc = (t) => String(t).replace(/[&<>]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;"}[c]));
    this.summaryTable.innerHTML = "<tr><th>Layer</th><th>Kind</th><th>Output shape</th><th>Parameters</th></tr>"
      + rows.map(([name, kind, s, n]) => `<tr class='${name === "total" ? "total" : ""}'><td>${esc(name)}</td>`
        + `<td class='kind'>${esc(kind)}</td><td>${shape(s)}</td><td class='n'>${n.toLocaleString("en")}</td></tr>`).join("");
    const total = rows.length ? rows[rows.length - 1][3] : 0;
    this.summaryPart.dataset.total = String(total);
  }

  // A k x k image (uint8 through `lut`) drawn at (x, y) `size` wide, `hsize` high.
  drawSmall(ctx, src, w, h, lut, x, y, size, hsize = size) {
    const key = `${w}x${h}`;
    let c = this.scratch[key];
    if (!c) {
      const canvas = document.createElement("canvas");
      canvas.width = w; canvas.height = h;
      c = this.scratch[key] = {canvas, image: new ImageData(w, h)};
    }
    paintLut(src, lut, c.image.data);
    c.canvas.getContext("2d").putImageData(c.image, 0, 0);
    ctx.drawImage(c.canvas, x, y, size, hsize);
  }

  // Originals in the top row, each one's augmented copy under it.
  paintAugmented() {
    const sc = this.scene, ctx = this.augCanvas.getContext("2d"), px = sc.side * sc.side;
    ctx.clearRect(0, 0, ...this.asize);
    const a = this.augmented;
    if (!a) return;
    ctx.imageSmoothingEnabled = false;
    const n = a.length / px / 2, cw = this.gcell[0], size = Math.round(40 * this.k), row = this.asize[1] / 2;
    for (let i = 0; i < 2 * n; i++) {
      const x = (i % n) * cw + (cw - size) / 2, y = Math.floor(i / n) * row + 2;
      this.drawDigit(ctx, a.subarray(i * px, (i + 1) * px), this.greyLut, x, y, size);
    }
    this.augPart.dataset.shown = String(n);
  }

  paintFilters() {
    const sc = this.scene, ctx = this.filterCanvas.getContext("2d");
    ctx.clearRect(0, 0, ...this.fsize);
    if (!sc.conv || !this.filters) return;
    ctx.imageSmoothingEnabled = false;
    const c = this.wcell, kk = sc.conv.kernel, n = kk * kk;
    for (let f = 0; f < sc.conv.filters; f++) {
      const x = (f % 8) * c, y = Math.floor(f / 8) * c;
      this.drawSmall(ctx, this.filters.subarray(f * n, (f + 1) * n), kk, kk, this.lut, x + 2, y + 2, c - 4);
    }
    this.filterGrid.dataset.painted = String(sc.conv.filters);
  }

  // Where the feature maps go: a block per digit (side by side where both fit,
  // else one under the other), in each a labelled row of maps per layer, every
  // layer at one scale (pooling visibly halves the maps), as large as lets the
  // widest layer fit one line (a layer wraps only when its maps would be tiny).
  layoutMaps(width) {
    const cv = this.scene.conv;
    if (!cv) { this.mapGeom = null; return; }
    const k = this.k, gap = 24, two = width >= 820;
    const W = Math.floor(two ? (width - gap) / 2 : width);
    let s = 3 * k;
    for (const L of cv.layers.slice(1)) s = Math.min(s, (W / L.c - 2) / L.w);
    s = Math.max(1, s);
    const head = Math.round(24 * k), label = Math.round(17 * k);
    let y = head;
    const rows = cv.layers.map((L) => {
      const size = Math.max(Math.floor(L.w * s), Math.round(12 * k));
      const perLine = Math.max(1, Math.floor((W + 2) / (size + 2)));
      const row = {y: y + label, size, perLine};
      y += label + Math.ceil(L.c / perLine) * (size + 2) + 4;
      return row;
    });
    const mapsW = Math.min(W, Math.max(...cv.layers.map((L, i) => Math.min(L.c, rows[i].perLine) * (rows[i].size + 2))) + 4);
    this.mapGeom = {W: Math.max(mapsW, Math.round(300 * k)), H: y, rows};
    for (const c of this.mapCanvases) sizeCanvas(c, this.mapGeom.W, this.mapGeom.H);
  }

  paintMaps() {
    const sc = this.scene, cv = sc.conv, g = this.mapGeom;
    if (!cv || !g) return;
    const k = this.k, per = this.mapValues(), m = this.maps, n = m ? m.digits.length / 4 : 0;
    this.mapCanvases.forEach((canvas, j) => {
      const ctx = sizeCanvas(canvas, g.W, j < n ? g.H : Math.round(48 * k)); // (no drawing: a line)
      ctx.clearRect(0, 0, g.W, g.H);
      ctx.imageSmoothingEnabled = false;
      ctx.textBaseline = "alphabetic";
      ctx.textAlign = "left";
      ctx.font = `bold ${Math.round(14 * k)}px sans-serif`;
      ctx.fillStyle = sc.colors.text;
      if (j >= n) {
        ctx.fillText(j ? "Your drawing" : "Test digit", 0, Math.round(17 * k));
        ctx.font = `${Math.round(13 * k)}px sans-serif`;
        ctx.fillStyle = sc.colors.muted;
        ctx.fillText(j ? "Draw a digit on the pad to see its maps." : "…", 0, Math.round(40 * k));
        return;
      }
      const [index, truth, guess, p] = m.digits.slice(4 * j, 4 * j + 4);
      const says = `the network says ${guess} (${Math.round(100 * p)}%)`;
      ctx.fillText(index >= 0 ? `Test digit #${index} (a ${truth}): ${says}` : `Your drawing: ${says}`, 0, Math.round(17 * k));
      let off = j * per;
      cv.layers.forEach((L, i) => {
        const r = g.rows[i], hw = L.h * L.w;
        ctx.font = `${Math.round(13 * k)}px sans-serif`;
        ctx.fillStyle = sc.colors.muted;
        const what = L.name === "input" ? `input ${L.h}×${L.w}` : `${L.name}  ${L.c} × ${L.h}×${L.w}`;
        ctx.fillText(what, 0, r.y - Math.round(4 * k));
        const lut = L.name === "input" || !cv.signed ? this.greyLut : this.lut;
        for (let c = 0; c < L.c; c++) {
          const x = (c % r.perLine) * (r.size + 2), y = r.y + Math.floor(c / r.perLine) * (r.size + 2);
          this.drawSmall(ctx, m.images.subarray(off, off + hw), L.w, L.h, lut, x, y, r.size);
          off += hw;
        }
      });
    });
    this.mapPart.dataset.digits = m ? m.digits.join(",") : "";
  }
}

export function render({model, el}) {
  const stage = new DigitsStage(model, el);
  model.on("remove", () => stage.close());
}
