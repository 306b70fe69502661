export { createEmulator, isLoopbackHost } from "./server.js";
export type {
  EmulatedService,
  Emulator,
  EmulatorOptions,
  EmulatorUser,
  Fault,
  RecordedRequest,
} from "./types.js";
