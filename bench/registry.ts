/** Every benchmark, in the order a full run takes them (shared by bench/index.ts and bench/child.ts). */
import type { Benchmark } from "./benchmark";
import { clock } from "./clock";
import { cooperator } from "./cooperator";
import { deferred } from "./deferred";
import { inline } from "./inline";
import { lateness } from "./lateness";
import { memory } from "./memory";
import { netBench } from "./net";
import { protocols } from "./protocols";
import { timers } from "./timers";
import { threads } from "./threads";
import { processes } from "./processes";
import { udp } from "./udp";
import { workers } from "./workers";

export const benchmarks: readonly Benchmark[] = [timers, memory, lateness, deferred, inline, cooperator, clock, netBench, protocols, threads, processes, udp, workers];
