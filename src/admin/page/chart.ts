/// <reference lib="dom" />
/**
 * The messages-per-second chart (uPlot): the last two minutes of in and out rates,
 * resized with its card.
 *
 * @example
 * const chart = rateChart(document.getElementById("chart")!);
 * chart.push(Date.now() / 1000, 120, 5400);
 */
import uPlot from "uplot";

const keep = 120;

export function rateChart(container: HTMLElement): { push(time: number, inbound: number, outbound: number): void } {
  // Two minutes of empty history, so the time axis spans its full width from the start.
  const start = Math.floor(Date.now() / 1000);
  const data: [number[], Array<number | null>, Array<number | null>] = [[], [], []];
  for (let t = start - keep; t < start; t++) { data[0].push(t); data[1].push(null); data[2].push(null); }
  const plot = new uPlot({
    width: container.clientWidth || 600, height: 220,
    legend: { show: false }, cursor: { drag: { x: false, y: false } },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.15)] } },
    axes: [
      // Wide tick spacing, so the second row of date labels never overlaps on a phone.
      { stroke: "#66708a", grid: { stroke: "#eef1f6" }, ticks: { stroke: "#e3e7f0" }, space: 90 },
      { stroke: "#66708a", grid: { stroke: "#eef1f6" }, ticks: { stroke: "#e3e7f0" }, size: 56,
        values: (_u, splits) => splits.map((v) => v >= 1000 ? `${+(v / 1000).toFixed(1)}k` : String(v)) },
    ],
    series: [
      {},
      { label: "in", stroke: "#4f46e5", width: 2, fill: "rgba(79,70,229,0.08)", points: { show: false } },
      { label: "out", stroke: "#0ea5e9", width: 2, fill: "rgba(14,165,233,0.08)", points: { show: false } },
    ],
  }, data as uPlot.AlignedData, container);
  new ResizeObserver(() => plot.setSize({ width: container.clientWidth, height: 220 })).observe(container);
  return {
    push(time, inbound, outbound) {
      data[0].push(time);
      data[1].push(inbound);
      data[2].push(outbound);
      if (data[0].length > keep) for (const series of data) series.shift();
      plot.setData(data as uPlot.AlignedData);
    },
  };
}
