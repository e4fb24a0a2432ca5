// What canvas grids draw, for tests that must know whether a text was cut: every fillText with the box of its
// ink and the clip rectangles in force, in canvas pixels. Loaded before the page's scripts (add_init_script).
// window.__drawn: [{canvas, text, box: [x0, y0, x1, y1], clips: [[[x0, y0, x1, y1], ...] | null, ...]}]
// (a clip is the union of its rectangles, null when its path is not made of rectangles);
// window.__canvases: the canvases drawn on, indexed by their number in __drawn.
(() => {
  const P = CanvasRenderingContext2D.prototype;
  const drawn = (window.__drawn = []);
  const canvases = (window.__canvases = []);
  const states = new WeakMap();
  const state = (ctx) => {
    let s = states.get(ctx);
    if (!s) states.set(ctx, (s = { stack: [], clips: [], path: [] }));
    return s;
  };
  const point = (ctx, x, y) => {
    const m = ctx.getTransform();
    return [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f];
  };
  const box = (ctx, x0, y0, x1, y1) => {
    const [a, b] = point(ctx, x0, y0);
    const [c, d] = point(ctx, x1, y1);
    return [Math.min(a, c), Math.min(b, d), Math.max(a, c), Math.max(b, d)];
  };
  const before = (name, record) => {
    const original = P[name];
    P[name] = function (...args) {
      record.apply(this, args);
      return original.apply(this, args);
    };
  };
  before("save", function () { const s = state(this); s.stack.push(s.clips.slice()); });
  before("restore", function () { const s = state(this); s.clips = s.stack.pop() || []; });
  before("beginPath", function () { state(this).path = []; });
  before("rect", function (x, y, w, h) { state(this).path.push(box(this, x, y, x + w, y + h)); });
  for (const name of ["roundRect", "arc", "arcTo", "ellipse", "lineTo", "bezierCurveTo", "quadraticCurveTo"]) {
    before(name, function () { state(this).path.push(null); });
  }
  before("clip", function (...args) {
    const s = state(this);
    const path = args.length && typeof args[0] === "object" ? [null] : s.path;  // clip(Path2D): unknown shape
    s.clips.push(path.includes(null) ? null : path.slice());
  });
  before("fillText", function (text, x, y) {
    const m = this.measureText(text);
    let id = canvases.indexOf(this.canvas);
    if (id < 0) id = canvases.push(this.canvas) - 1;
    drawn.push({
      canvas: id, text: String(text), clips: state(this).clips.slice(),
      box: box(this, x - m.actualBoundingBoxLeft, y - m.actualBoundingBoxAscent,
               x + m.actualBoundingBoxRight, y + m.actualBoundingBoxDescent),
    });
  });
})();
