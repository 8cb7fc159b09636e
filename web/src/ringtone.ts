// The in-page ringtone while a call rings on this device: two tones (440 + 480 Hz) two seconds
// on, four off, made with Web Audio, so no sound file is fetched. Follows `store.ringing`.
import { store } from "./store";

const ON_SECONDS = 2;
const PERIOD_SECONDS = 6;

declare global {
  // Lets tests read whether the ringtone plays.
  var edgePlatformRingtone: { playing: boolean; audioState: () => AudioContextState | "none" } | undefined;
}

class Ringtone {
  #context: AudioContext | null = null;
  #gain: GainNode | null = null;
  #oscillators: OscillatorNode[] = [];
  #timer: ReturnType<typeof setInterval> | null = null;

  get playing(): boolean {
    return this.#timer !== null;
  }

  start(): void {
    if (this.playing) return;
    try {
      this.#context ??= new AudioContext();
      void this.#context.resume().catch(() => undefined);
      const gain = this.#context.createGain();
      gain.gain.value = 0;
      gain.connect(this.#context.destination);
      this.#gain = gain;
      this.#oscillators = [440, 480].map((frequency) => {
        const oscillator = this.#context!.createOscillator();
        oscillator.frequency.value = frequency;
        oscillator.connect(gain);
        oscillator.start();
        return oscillator;
      });
      this.#ring();
      this.#timer = setInterval(() => this.#ring(), PERIOD_SECONDS * 1000);
    } catch {
      this.stop();
    }
    document.documentElement.dataset.ringtone = this.playing ? "playing" : "stopped";
  }

  /** One ring: the gain up for ON_SECONDS with short ramps, so it does not click. */
  #ring(): void {
    const context = this.#context;
    const gain = this.#gain;
    if (!context || !gain) return;
    const now = context.currentTime;
    gain.gain.cancelScheduledValues(now);
    gain.gain.setValueAtTime(0, now);
    gain.gain.linearRampToValueAtTime(0.15, now + 0.05);
    gain.gain.setValueAtTime(0.15, now + ON_SECONDS - 0.05);
    gain.gain.linearRampToValueAtTime(0, now + ON_SECONDS);
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    for (const oscillator of this.#oscillators) {
      try {
        oscillator.stop();
        oscillator.disconnect();
      } catch {
        // already stopped
      }
    }
    this.#oscillators = [];
    this.#gain?.disconnect();
    this.#gain = null;
    document.documentElement.dataset.ringtone = "stopped";
  }

  audioState(): AudioContextState | "none" {
    return this.#context?.state ?? "none";
  }
}

const ringtone = new Ringtone();
globalThis.edgePlatformRingtone = {
  get playing() {
    return ringtone.playing;
  },
  audioState: () => ringtone.audioState(),
};

let ringingId: string | null = null;
store.subscribe(() => {
  const id = store.state.ringing?.id ?? null;
  if (id === ringingId) return;
  ringingId = id;
  if (id) ringtone.start();
  else ringtone.stop();
});
