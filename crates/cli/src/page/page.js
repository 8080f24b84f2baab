// The page's behaviour: stepping through the steps the data lists, the
// details of a node, and the training view. Every number shown is a
// string from the embedded data, written by the engine's side; nothing
// here computes or formats a number of the graph.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('page-data').textContent);
  var nodes = data.nodes;
  var edges = data.edges;
  var steps = data.steps;
  var training = data.training || null;
  var output = nodes[data.output];
  var last = steps.length - 1;

  var svg = document.getElementById('graph');
  var pane = document.getElementById('graph-pane');
  var nodeEls = nodes.map(function (_, i) { return document.getElementById('node-' + i); });
  var edgeEls = edges.map(function (_, i) { return document.getElementById('edge-' + i); });
  var labelLayer = document.getElementById('edge-labels');
  var narration = document.getElementById('narration');
  var details = document.getElementById('details');
  var count = document.getElementById('step-count');
  var bar = document.getElementById('progress-bar');
  var forwardButton = document.getElementById('step-forward');
  var backButton = document.getElementById('step-backward');
  var resetButton = document.getElementById('reset');
  var zoomButton = document.getElementById('zoom');
  var trainingButton = document.getElementById('training-toggle');
  var slider = document.getElementById('training-step');

  // The step at which each node's value and gradient appear.
  var valueAt = nodes.map(function () { return Infinity; });
  var gradAt = nodes.map(function () { return Infinity; });
  steps.forEach(function (s, k) {
    s.nodes.forEach(function (i) {
      if (s.phase === 'backward') { gradAt[i] = k; } else { valueAt[i] = k; }
    });
  });
  var into = nodes.map(function () { return []; });
  edges.forEach(function (e, k) { into[e.to].push(k); });
  // Each box, to keep edge labels off them.
  var boxes = nodeEls.map(function (e) {
    var r = e.querySelector('rect');
    return { x: +r.getAttribute('x'), y: +r.getAttribute('y'),
      width: +r.getAttribute('width'), height: +r.getAttribute('height') };
  });
  var size = svg.viewBox.baseVal;

  var step = 0;
  var selected = null; // a node clicked, or null to follow the steps
  var snapshot = null; // the training snapshot shown, or null for the steps

  function el(tag, className, text) {
    var e = document.createElement(tag);
    if (className) { e.className = className; }
    if (text !== undefined) { e.textContent = text; }
    return e;
  }
  function svgEl(tag) { return document.createElementNS('http://www.w3.org/2000/svg', tag); }
  function bracket(text) { return text.charAt(0) === '-' ? '(' + text + ')' : text; }
  function partial(of, wrt) { return '\u2202' + of + '/\u2202' + wrt; }
  function gradName(node) { return partial(output.label, node.label); }
  function updates(n) { return n.toLocaleString('en-US') + (n === 1 ? ' update' : ' updates'); }
  function kindText(node, i) {
    if (i === data.output) { return 'the output'; }
    if (node.kind === 'var') { return 'a var: a leaf that gets a gradient'; }
    if (node.kind === 'const') { return 'a constant: a leaf that gets no gradient'; }
    return 'computed from its parents';
  }

  // What node i shows now: its numbers, and whether they are revealed.
  function shown(i) {
    if (snapshot !== null) {
      var s = training.snapshots[snapshot];
      return { value: s.values[i], valueShort: s.values_short[i], grad: s.grads[i],
        gradShort: s.grads_short[i], hasValue: true, hasGrad: true };
    }
    var n = nodes[i];
    return { value: n.value, valueShort: n.value_short, grad: n.grad, gradShort: n.grad_short,
      hasValue: valueAt[i] <= step, hasGrad: gradAt[i] <= step };
  }

  function drawNodes(current) {
    nodes.forEach(function (node, i) {
      var e = nodeEls[i];
      var n = shown(i);
      var value = e.querySelector('.value');
      var grad = e.querySelector('.grad');
      if (n.hasValue) {
        e.setAttribute('data-value', n.value);
        value.textContent = n.valueShort;
        value.setAttribute('class', 'value');
      } else {
        e.removeAttribute('data-value');
        value.textContent = '\u2026';
        value.setAttribute('class', 'value pending');
      }
      if (n.hasGrad) {
        e.setAttribute('data-grad', n.grad === null ? 'null' : n.grad);
        grad.textContent = n.grad === null ? 'no gradient' : '\u2202 ' + n.gradShort;
      } else {
        e.removeAttribute('data-grad');
        grad.textContent = '';
      }
      e.classList.toggle('current', current.indexOf(i) >= 0);
      e.classList.toggle('selected', selected === i);
    });
  }

  function drawEdges(phase, current) {
    edgeEls.forEach(function (e) { e.classList.remove('fwd', 'bwd'); });
    while (labelLayer.firstChild) { labelLayer.removeChild(labelLayer.firstChild); }
    if (phase === 'forward') {
      current.forEach(function (i) {
        into[i].forEach(function (k) { edgeEls[k].classList.add('fwd'); });
      });
    } else if (phase === 'backward') {
      var placed = [];
      current.forEach(function (i) {
        nodes[i].readers.forEach(function (k) {
          var e = edges[k];
          if (e.local === null) { return; }
          edgeEls[k].classList.add('bwd');
          placed.push(label(k, e.local_short + ' \u00d7 ' + bracket(nodes[e.to].grad_short) +
            ' = ' + e.contribution_short, placed));
        });
      });
    }
  }

  // How much of rectangle a lies on rectangle b.
  function overlap(a, b) {
    var w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
    var h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
    return w > 0 && h > 0 ? w * h : 0;
  }

  // A label on edge k, on a background so that it reads over the lines it
  // crosses: at the point along the edge where it covers the least of the
  // boxes and of the labels already `placed`, kept inside the drawing.
  // Returns its rectangle.
  function label(k, text, placed) {
    var path = edgeEls[k];
    var g = svgEl('g');
    g.setAttribute('class', 'edge-label');
    var rect = svgEl('rect');
    var t = svgEl('text');
    t.textContent = text;
    g.appendChild(rect);
    g.appendChild(t);
    labelLayer.appendChild(g);
    var measured = t.getBBox();
    var width = measured.width + 8;
    var height = measured.height + 4;
    var length = path.getTotalLength();
    var best = null;
    [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8, 0.15, 0.85].forEach(function (f) {
      var p = path.getPointAtLength(length * f);
      var x = Math.max(1, Math.min(size.width - width - 1, p.x - width / 2));
      var y = Math.max(1, Math.min(size.height - height - 1, p.y - height / 2));
      var r = { x: x, y: y, width: width, height: height };
      var cost = 0;
      boxes.forEach(function (b) { cost += overlap(r, b); });
      placed.forEach(function (b) { cost += 4 * overlap(r, b); });
      if (best === null || cost < best.cost - 1) { best = { rect: r, cost: cost }; }
    });
    var r = best.rect;
    rect.setAttribute('x', r.x);
    rect.setAttribute('y', r.y);
    rect.setAttribute('width', r.width);
    rect.setAttribute('height', r.height);
    rect.setAttribute('rx', 4);
    t.setAttribute('x', r.x + r.width / 2);
    t.setAttribute('y', r.y + r.height / 2 + measured.height * 0.3);
    return r;
  }

  // The chain rule that gave node i its gradient, from the numbers of the
  // engine's sweeps: the sum, over the nodes that read it, of the local
  // derivative times their gradient.
  function chain(i) {
    var node = nodes[i];
    var box = el('div', 'chain');
    if (node.grad === null) {
      box.appendChild(el('p', 'muted', node.label + ' gets no gradient: it is a constant, or computed from constants only, so the backward pass sends it nothing.'));
      return box;
    }
    if (i === data.output) {
      box.appendChild(el('div', 'math', gradName(node) + ' = 1'));
      box.appendChild(el('p', 'muted', 'The backward pass starts at the output: its gradient with respect to itself is 1.'));
      return box;
    }
    var terms = node.readers.filter(function (k) { return edges[k].local !== null; });
    var names = terms.map(function (k) {
      var reader = nodes[edges[k].to];
      return partial(reader.label, node.label) + ' \u00d7 ' + gradName(reader);
    });
    var math = el('div', 'math');
    math.appendChild(el('div', '', gradName(node) + ' ='));
    names.forEach(function (name, n) { math.appendChild(el('div', 'indent', (n > 0 ? '+ ' : '') + name)); });
    box.appendChild(math);
    var table = el('table', 'terms');
    var head = el('tr');
    ['r', partial('r', node.label), '', gradName({ label: 'r' }), '', 'sends'].forEach(function (h) {
      head.appendChild(el('th', '', h));
    });
    table.appendChild(head);
    terms.forEach(function (k) {
      var e = edges[k];
      var tr = el('tr');
      [nodes[e.to].label, e.local_short, '\u00d7', bracket(nodes[e.to].grad_short), '=', e.contribution_short]
        .forEach(function (text, c) { tr.appendChild(el('td', c === 2 || c === 4 ? 'op' : '', text)); });
      table.appendChild(tr);
    });
    var sum = el('tr', 'sum');
    sum.appendChild(el('td', '', terms.length > 1 ? 'sum' : ''));
    var cell = el('td', '', node.grad_short);
    cell.colSpan = 5;
    sum.appendChild(cell);
    table.appendChild(sum);
    box.appendChild(table);
    var local = partial('r', node.label);
    var above = gradName({ label: 'r' });
    box.appendChild(el('p', 'muted', terms.length > 1
      ? node.label + ' is read by ' + terms.length + ' nodes r, so its gradient is the sum of what each sends back: the local derivative ' + local + ' times r\u2019s own gradient ' + above + '.'
      : 'One node r reads ' + node.label + ', so its gradient is what r sends back: the local derivative ' + local + ' times r\u2019s own gradient ' + above + '.'));
    return box;
  }

  function rows(table, list) {
    list.forEach(function (cells) {
      var tr = el('tr');
      tr.appendChild(el('th', '', cells[0]));
      cells.slice(1).forEach(function (text) { tr.appendChild(el('td', 'mono', text)); });
      table.appendChild(tr);
    });
  }

  function formulaLine(node) {
    return node.formula ? node.label + ' = ' + node.formula : '';
  }

  function narrate(s) {
    narration.textContent = '';
    var phaseNames = { start: 'Start', leaves: 'Forward pass', forward: 'Forward pass', backward: 'Backward pass' };
    narration.appendChild(el('p', 'phase', phaseNames[s.phase]));
    if (s.phase === 'start') {
      narration.appendChild(el('p', '', 'Press Forward (or \u2192) to run the forward pass one node at a time, then the backward pass. Each box fills in as the engine computed it.'));
      return;
    }
    if (s.phase === 'leaves') {
      var given = s.nodes.map(function (i) { return nodes[i].label + ' = ' + nodes[i].value_short; });
      narration.appendChild(el('p', '', 'The leaves are given, not computed: ' + given.join(', ') + '.'));
      narration.appendChild(el('p', 'muted', 'Blue boxes (var) will get gradients; dashed grey ones (const) will not.'));
      return;
    }
    var i = s.nodes[0];
    var node = nodes[i];
    if (s.phase === 'forward') {
      var m = el('div', 'math');
      m.appendChild(el('div', '', formulaLine(node)));
      m.appendChild(el('div', 'indent', '= ' + node.with_values));
      m.appendChild(el('div', 'indent', '= ' + node.value_short));
      narration.appendChild(m);
      narration.appendChild(el('p', 'muted', 'The ' + node.op + ' of its parents\u2019 values (the blue edges).'));
      if (step === last - nodes.length) {
        narration.appendChild(el('p', '', 'That was the output. Next, the backward pass, from the output down.'));
      }
      return;
    }
    narration.appendChild(chain(i));
    if (step === last) {
      narration.appendChild(el('p', '', 'That was the last node: every gradient is known. Press Home to start again.'));
    }
  }

  // The details of node i; its chain rule too when `withChain`.
  function describe(i, withChain) {
    details.textContent = '';
    if (i === null) { return; }
    var node = nodes[i];
    var n = shown(i);
    details.appendChild(el('h2', '', node.label + (node.label !== node.key ? ' (' + node.key + ')' : '')));
    var table = el('table', 'numbers');
    var what = el('tr');
    what.appendChild(el('th', '', 'what'));
    what.appendChild(el('td', '', kindText(node, i)));
    table.appendChild(what);
    var list = [];
    if (node.formula) { list.push(['formula', formulaLine(node)]); } else { list.push(['op', node.op]); }
    node.parents.forEach(function (p, k) {
      if (node.parents.indexOf(p) !== k) { return; }
      var revealed = snapshot !== null || valueAt[p] <= step;
      list.push([nodes[p].label, revealed ? shown(p).value : 'not computed yet']);
    });
    list.push(['value', n.hasValue ? n.value : 'appears at step ' + valueAt[i]]);
    var g = n.grad === null ? 'none: no gradient flows to it' : n.grad;
    list.push([gradName(node), n.hasGrad ? g : 'appears at step ' + gradAt[i] + ' (the backward pass)']);
    var readers = node.readers.map(function (k) { return nodes[edges[k].to].label; });
    if (readers.length) { list.push(['read by', readers.join(', ')]); }
    rows(table, list);
    details.appendChild(table);
    if (withChain && snapshot === null && n.hasGrad) {
      details.appendChild(el('h2', '', 'The chain rule'));
      details.appendChild(chain(i));
    }
  }

  function drawTraining() {
    if (!training) { return; }
    var readout = document.getElementById('training-readout');
    var note = document.getElementById('training-note');
    var table = document.getElementById('training-numbers');
    var wanted = Number(slider.value);
    var at = training.snapshots[nearest(wanted)];
    readout.textContent = wanted.toLocaleString('en-US');
    note.textContent = at.step === wanted
      ? 'The graph shows every value and gradient after ' + updates(at.step) + '.'
      : 'The graph shows the nearest step recorded: after ' + updates(at.step) + '.';
    var marker = document.getElementById('plot-marker');
    marker.setAttribute('x1', at.x);
    marker.setAttribute('x2', at.x);
    table.textContent = '';
    var notes = document.getElementById('training-notes');
    notes.textContent = '';
    rows(notes, at.notes.map(function (n) { return [n.label, n.value_short]; }));
    var weights = el('tr');
    ['', 'value', 'gradient'].forEach(function (h) { weights.appendChild(el('th', '', h)); });
    table.appendChild(weights);
    var params = [];
    nodes.forEach(function (node, i) {
      if (node.kind === 'var') {
        params.push([node.label, at.values_short[i], at.grads[i] === null ? '' : at.grads_short[i]]);
      }
    });
    rows(table, params);
  }

  // The snapshot nearest `wanted` updates (the earlier on a tie).
  function nearest(wanted) {
    var best = 0;
    training.snapshots.forEach(function (s, k) {
      if (Math.abs(s.step - wanted) < Math.abs(training.snapshots[best].step - wanted)) { best = k; }
    });
    return best;
  }

  function render(scroll) {
    var s = steps[step];
    var inTraining = snapshot !== null;
    var current = inTraining ? [] : s.nodes;
    var phase = inTraining ? 'training' : s.phase;
    document.body.classList.toggle('phase-backward', phase === 'backward');
    document.body.classList.toggle('training-mode', inTraining);
    drawNodes(current.length === 1 ? current : []);
    drawEdges(phase, current);
    if (!inTraining) { narrate(s); }
    var following = selected === null && current.length === 1;
    describe(following ? current[0] : selected, !following);
    var where = phase === 'backward' ? 'backward pass' : 'forward pass';
    count.textContent = inTraining
      ? 'Training: the graph after ' + updates(training.snapshots[snapshot].step)
      : 'Step ' + step + ' of ' + last;
    if (!inTraining && step > 0) { count.appendChild(el('span', 'where', ' \u00b7 ' + where)); }
    bar.style.width = (100 * step / last) + '%';
    forwardButton.disabled = !inTraining && step === last;
    backButton.disabled = !inTraining && step === 0;
    if (trainingButton) {
      trainingButton.setAttribute('aria-pressed', inTraining ? 'true' : 'false');
      trainingButton.textContent = inTraining ? 'Back to the steps' : 'Training';
    }
    drawTraining();
    if (scroll && current.length === 1) {
      // The node and the nodes the step involves: its parents going
      // forward, the nodes that read it going back.
      var i = current[0];
      var involved = phase === 'forward'
        ? into[i].map(function (k) { return edges[k].from; })
        : nodes[i].readers.map(function (k) { return edges[k].to; });
      reveal([i].concat(involved));
    }
  }

  // Scrolls the graph pane (only) so that the boxes of `list` are in view,
  // centred when they fit, else the first of them.
  function reveal(list) {
    var p = pane.getBoundingClientRect();
    var first = nodeEls[list[0]].getBoundingClientRect();
    var r = { left: first.left, right: first.right, top: first.top, bottom: first.bottom };
    list.forEach(function (i) {
      var b = nodeEls[i].getBoundingClientRect();
      r.left = Math.min(r.left, b.left);
      r.right = Math.max(r.right, b.right);
      r.top = Math.min(r.top, b.top);
      r.bottom = Math.max(r.bottom, b.bottom);
    });
    if (r.right - r.left > p.width - 48 || r.bottom - r.top > p.height - 48) {
      r = { left: first.left, right: first.right, top: first.top, bottom: first.bottom };
    }
    var margin = 24;
    if (r.left < p.left + margin || r.right > p.right - margin) {
      pane.scrollLeft += (r.left + r.right) / 2 - (p.left + p.right) / 2;
    }
    if (r.top < p.top + margin || r.bottom > p.bottom - margin) {
      pane.scrollTop += (r.top + r.bottom) / 2 - (p.top + p.bottom) / 2;
    }
  }

  function go(to) {
    snapshot = null;
    step = Math.max(0, Math.min(last, to));
    selected = null;
    render(true);
  }

  var zoomed = false; // whether the reader chose the size
  function fit(on) {
    pane.classList.toggle('fit', on);
    zoomButton.setAttribute('aria-pressed', on ? 'true' : 'false');
    zoomButton.textContent = on ? 'Full size' : 'Fit width';
  }

  forwardButton.addEventListener('click', function () { go(step + 1); });
  backButton.addEventListener('click', function () { go(step - 1); });
  resetButton.addEventListener('click', function () { go(0); });
  zoomButton.addEventListener('click', function () {
    zoomed = true;
    fit(!pane.classList.contains('fit'));
    render(true);
  });
  nodeEls.forEach(function (e, i) {
    function pick() {
      selected = selected === i ? null : i;
      render(false);
    }
    e.addEventListener('click', pick);
    e.addEventListener('keydown', function (event) {
      if (event.key === 'Enter' || event.key === ' ') { event.preventDefault(); pick(); }
    });
  });
  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) { return; }
    var tag = event.target && event.target.tagName;
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT') { return; }
    var moves = { ArrowRight: step + 1, ArrowLeft: step - 1, Home: 0, End: last };
    if (Object.prototype.hasOwnProperty.call(moves, event.key)) {
      event.preventDefault();
      go(moves[event.key]);
    }
  });
  if (trainingButton) {
    trainingButton.addEventListener('click', function () {
      snapshot = snapshot === null ? nearest(Number(slider.value)) : null;
      selected = null;
      render(false);
    });
    slider.addEventListener('input', function () {
      snapshot = nearest(Number(slider.value));
      render(false);
    });
  }
  // The whole width of the graph in view when it stays readable (at least
  // 80% of its size); a larger graph scrolls at full size.
  function fitIfReadable() {
    if (!zoomed) { fit(pane.clientWidth >= 0.8 * size.width); }
  }
  window.addEventListener('resize', fitIfReadable);
  fitIfReadable();
  render(false);
}());
