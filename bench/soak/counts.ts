/** What one soak scenario counted, and how the kit prints it. */
export interface SoakCounts {
  scenario: string;
  seconds: number;
  /** Frames (or publications, for the delivery scenarios) sent to the server. */
  frames: number;
  /** Thread deaths the server logged (forced kills included) and process exits. */
  crashes: number;
  lost: number;
  duplicated: number;
  reordered: number;
  rssBeforeMb: number;
  rssAfterMb: number;
  /** Scenario-specific counts. */
  details: Record<string, number | string>;
}

const number = (value: number) => Math.round(value).toLocaleString("en-US");

/** One line per scenario, every count named. */
export function formatCounts(counts: SoakCounts): string {
  const details = Object.entries(counts.details).map(([key, value]) => `${key} ${typeof value === "number" ? number(value) : value}`).join(", ");
  return `${counts.scenario.padEnd(12)} ${number(counts.seconds).padStart(4)} s  frames ${number(counts.frames)}  crashes ${counts.crashes}  ` +
    `lost ${number(counts.lost)}  duplicated ${number(counts.duplicated)}  reordered ${number(counts.reordered)}  ` +
    `RSS ${counts.rssBeforeMb.toFixed(0)} → ${counts.rssAfterMb.toFixed(0)} MB  (${details})`;
}
