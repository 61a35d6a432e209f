/**
 * The web app's call sounds, synthesized with WebAudio oscillators (no audio files): `ringtone` (an
 * incoming call), `ringback` (the caller waits for an answer) and `hangup` (the other side ended).
 * `window.parleySounds` tells what plays now (`playing`) and what played, in order (`played`).
 */

const state = window.parleySounds || (window.parleySounds = { playing: new Set(), played: [] });

/** Each sound: one cycle of tones [startSeconds, durationSeconds, frequencies], repeated every `period` s when looping. */
const SOUNDS = {
  // A bright two-note trill, twice, then a pause: distinct from a phone line's ringback.
  ringtone: {
    loop: true, period: 3, volume: 0.18, type: 'sine',
    tones: [[0, 0.18, [784]], [0.2, 0.18, [988]], [0.4, 0.18, [784]], [0.6, 0.18, [988]],
      [1.0, 0.18, [784]], [1.2, 0.18, [988]], [1.4, 0.18, [784]], [1.6, 0.18, [988]]],
  },
  // The North American ringback cadence: 440 + 480 Hz, 2 s on, 4 s off.
  ringback: { loop: true, period: 6, volume: 0.12, type: 'sine', tones: [[0, 2, [440, 480]]] },
  // Three short falling beeps.
  hangup: { loop: false, volume: 0.16, type: 'triangle', tones: [[0, 0.16, [660]], [0.22, 0.16, [523]], [0.44, 0.3, [392]]] },
};

let context = null;
const active = new Map();

function audioContext() {
  if (!context) {
    const AudioContextClass = window.AudioContext || window.webkitAudioContext;
    if (!AudioContextClass) return null;
    context = new AudioContextClass();
  }
  if (context.state === 'suspended') {
    // Browsers without a user gesture keep the context suspended; the first click or key resumes it.
    context.resume().catch(() => {});
  }
  return context;
}

for (const event of ['pointerdown', 'keydown']) {
  window.addEventListener(event, () => { if (context?.state === 'suspended') context.resume().catch(() => {}); }, { capture: true });
}

function scheduleCycle(ctx, sound, output, at) {
  for (const [start, duration, frequencies] of sound.tones) {
    const envelope = ctx.createGain();
    const t0 = at + start;
    // Short ramps in and out: a tone that starts or stops abruptly clicks.
    envelope.gain.setValueAtTime(0, t0);
    envelope.gain.linearRampToValueAtTime(sound.volume / frequencies.length, t0 + 0.015);
    envelope.gain.setValueAtTime(sound.volume / frequencies.length, t0 + duration - 0.03);
    envelope.gain.linearRampToValueAtTime(0, t0 + duration);
    envelope.connect(output);
    for (const frequency of frequencies) {
      const oscillator = ctx.createOscillator();
      oscillator.type = sound.type;
      oscillator.frequency.value = frequency;
      oscillator.connect(envelope);
      oscillator.start(t0);
      oscillator.stop(t0 + duration + 0.01);
    }
  }
}

/** Plays a sound (`ringtone`, `ringback` or `hangup`); a looping one plays until {@link stop}. */
export function play(name) {
  const sound = SOUNDS[name];
  if (!sound) throw new Error(`unknown sound ${name}`);
  if (active.has(name)) return;
  state.played.push(name);
  state.playing.add(name);
  const ctx = audioContext();
  const entry = { timer: null, output: null };
  active.set(name, entry);
  const length = sound.loop ? sound.period : Math.max(...sound.tones.map(([s, d]) => s + d));
  if (ctx) {
    entry.output = ctx.createGain();
    entry.output.connect(ctx.destination);
    let next = ctx.currentTime + 0.05;
    scheduleCycle(ctx, sound, entry.output, next);
    if (sound.loop) {
      // Schedule each cycle shortly before it is due, so that stop() silences the sound within a cycle.
      entry.timer = setInterval(() => {
        next += sound.period;
        scheduleCycle(ctx, sound, entry.output, next);
      }, sound.period * 1000);
    }
  }
  if (!sound.loop) entry.timer = setTimeout(() => stop(name), length * 1000 + 100);
}

/** Stops a sound at once. */
export function stop(name) {
  const entry = active.get(name);
  if (!entry) return;
  active.delete(name);
  clearInterval(entry.timer);
  clearTimeout(entry.timer);
  if (entry.output) {
    try {
      entry.output.gain.setValueAtTime(0, context.currentTime);
      entry.output.disconnect();
    } catch (e) {
      // the context is closed
    }
  }
  state.playing.delete(name);
}

export function stopAll() {
  for (const name of [...active.keys()]) stop(name);
}

export function isPlaying(name) {
  return active.has(name);
}
