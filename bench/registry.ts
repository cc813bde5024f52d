/** Every benchmark, in the order a full run takes them (shared by bench/index.ts and bench/child.ts). */
import type { Benchmark } from "./benchmark";
import { clock } from "./clock";
import { cooperator } from "./cooperator";
import { deferred } from "./deferred";
import { inline } from "./inline";
import { lateness } from "./lateness";
import { memory } from "./memory";
import { protocols } from "./protocols";
import { timers } from "./timers";

export const benchmarks: readonly Benchmark[] = [timers, memory, lateness, deferred, inline, cooperator, clock, protocols];
