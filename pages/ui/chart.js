// ProfitLens chart: a Plotly figure that is updated in place with Plotly.react.
//
// Streamlit's own st.plotly_chart gives each figure a new element identity, so every
// change of a control remounts the chart (a new WebGL surface, a new SVG tree: about
// half a second in a software-rendered browser). This component keeps one chart per
// key and hands each new figure to Plotly.react, which redraws only what changed.
//
// data (bytes, JSON): {url, figure: {data, layout}, config, selectable, revision}
// triggers: "pick" = customdata[0] of a clicked point (selectable charts only)

const pending = new WeakMap(); // chart div -> latest payload not drawn yet
let loading = null;

function loadPlotly(url) {
  if (window.Plotly) return Promise.resolve(window.Plotly);
  if (!loading) {
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => resolve(window.Plotly);
      script.onerror = () => {
        loading = null;
        reject(new Error("Plotly could not be loaded from " + url));
      };
      document.head.appendChild(script);
    });
  }
  return loading;
}

function decode(data) {
  if (data == null) return null;
  if (typeof data === "string") return JSON.parse(data);
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) {
    return JSON.parse(new TextDecoder().decode(data));
  }
  return data;
}

function chartDiv(parent) {
  let div = parent.querySelector(":scope > .pl-chart");
  if (!div) {
    div = document.createElement("div");
    div.className = "pl-chart";
    div.setAttribute("data-testid", "plChart");
    div.dataset.drawn = "0";
    parent.appendChild(div);
  }
  return div;
}

function bindEvents(div, setTriggerValue) {
  // Plotly.newPlot and Plotly.purge drop every listener, so bind after each draw.
  div.__pick = setTriggerValue; // the latest setter, in case it changes between runs
  if (div.removeAllListeners) div.removeAllListeners("plotly_click");
  div.on("plotly_click", (event) => {
    if (div.dataset.selectable !== "true" || !event || !event.points) return;
    const point = event.points.find((p) => Array.isArray(p.customdata) || p.customdata != null);
    if (!point) return;
    const value = Array.isArray(point.customdata) ? point.customdata[0] : point.customdata;
    div.__pick("pick", value);
  });
}

function showError(div, message) {
  if (window.Plotly) window.Plotly.purge(div);
  div.replaceChildren();
  const note = document.createElement("p");
  note.className = "pl-chart-error";
  note.textContent = "The chart could not be drawn: " + message;
  div.appendChild(note);
  div.dataset.error = "true";
}

async function draw(div, setTriggerValue) {
  if (div.__drawing) return; // the running draw picks up the latest payload
  div.__drawing = true;
  try {
    while (pending.has(div)) {
      const payload = pending.get(div);
      pending.delete(div);
      try {
        const Plotly = await loadPlotly(payload.url);
        const layout = Object.assign({}, payload.figure.layout || {});
        delete layout.width; // the chart fills its column
        layout.autosize = true;
        if (payload.selectable) layout.clickmode = "event";
        div.dataset.selectable = payload.selectable ? "true" : "false";
        div.style.height = (layout.height || 450) + "px";
        const traces = payload.figure.data || [];
        // Plotly animates a Sankey's changes for half a second; a slider needs the new
        // state at once, so a Sankey is drawn afresh (no other trace type animates).
        // After a failure the chart starts afresh too.
        const fresh = div.dataset.error === "true" || traces.some((t) => t.type === "sankey");
        if (div.dataset.error === "true") {
          div.replaceChildren();
          delete div.dataset.error;
        }
        await (fresh ? Plotly.newPlot : Plotly.react)(div, traces, layout,
                                                       payload.config || {});
        bindEvents(div, setTriggerValue);
        div.dataset.revision = payload.revision;
        div.dataset.drawn = String(Number(div.dataset.drawn) + 1);
      } catch (error) {
        showError(div, error && error.message ? error.message : String(error));
      }
    }
  } finally {
    div.__drawing = false;
  }
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const payload = decode(data);
  if (!payload) return;
  const div = chartDiv(parentElement);
  pending.set(div, payload);
  draw(div, setTriggerValue);

  if (!div.__resize) {
    // Plotly's own "responsive" only follows the window; the sidebar also moves columns.
    div.__resize = new ResizeObserver(() => {
      // Skip a chart being removed or hidden (Plotly refuses to resize it).
      if (!window.Plotly || !div._fullLayout || !div.isConnected || !div.offsetParent) return;
      Promise.resolve(window.Plotly.Plots.resize(div)).catch(() => {});
    });
    div.__resize.observe(div);
  }
  return () => {
    if (div.__resize) div.__resize.disconnect();
    div.__resize = null;
    if (window.Plotly) window.Plotly.purge(div);
  };
}
