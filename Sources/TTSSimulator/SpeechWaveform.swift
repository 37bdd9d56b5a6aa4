import Foundation
import NIOCore

/// A seeded buffer of speech-like 16-bit mono samples that every audio artifact slices from.
///
/// Generating audio per byte would make the simulator the bottleneck of every benchmark, so the
/// samples are made once at start-up and artifacts are windows into them (zero-copy
/// `ByteBuffer` slices). The signal is built to compress like speech, not like silence or
/// noise: voiced syllables (a few harmonics of a drifting pitch, with breath noise) under a
/// syllable envelope, grouped into phrases, separated by pauses of low room noise. Deflate at
/// level 1 shrinks it to about 0.8 of its size.
struct SpeechWaveform: Sendable {
    /// Little-endian Int16 samples.
    let buffer: ByteBuffer

    /// Samples in the buffer; an even byte offset below `2 * sampleCount` starts a sample.
    var sampleCount: Int { buffer.readableBytes / 2 }

    init(seed: UInt64, sampleCount: Int = 1 << 19) {
        var rng = SeededRandom(seed: seed, stream: "waveform")
        var buffer = ByteBufferAllocator().buffer(capacity: sampleCount * 2)
        // Written through a raw pointer, with one period of each syllable's harmonics tabulated
        // up front: tests build many simulators in debug builds, where per-sample `sin` calls
        // and checked array accesses would cost seconds.
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: sampleCount * 2) { raw in
            let out = raw.bindMemory(to: Int16.self)
            let rate = 16_000.0
            var i = 0
            var table = [Double](repeating: 0, count: 256)

            func noise(_ rng: inout SeededRandom) -> Double {
                // Two 32-bit uniforms from one draw: a triangular, roughly Gaussian value.
                let bits = rng.next()
                return (Double(bits & 0xFFFF_FFFF) + Double(bits >> 32)) / 4_294_967_296.0 - 1
            }
            func pause(_ seconds: Double, _ rng: inout SeededRandom) {
                let end = min(sampleCount, i + Int(rate * seconds))
                while i < end {
                    out[i] = Int16(noise(&rng) * 40).littleEndian
                    i += 1
                }
            }

            while i < sampleCount {
                for _ in 0..<rng.int(in: 2...7) {
                    let length = Int(rate * (0.08 + rng.unit() * 0.2))
                    let period = Int(rate / (90 + rng.unit() * 150))
                    let amplitude = 2500 + rng.unit() * 8500
                    let weights = (1...6).map { k in (0.2 + rng.unit() * 0.8) / Double(k) }
                    for n in 0..<period {
                        let phase = 2 * Double.pi * Double(n) / Double(period)
                        var value = 0.0
                        for (k, weight) in weights.enumerated() { value += weight * sin(phase * Double(k + 1)) }
                        table[n] = value * amplitude
                    }
                    let end = min(sampleCount, i + length)
                    var n = 0
                    while i < end {
                        let x = Double(n) / Double(length)
                        let envelope = 4 * x * (1 - x)
                        let value = (table[n % period] + noise(&rng) * amplitude * 0.06) * envelope
                        out[i] = Int16(max(-32_768, min(32_767, value))).littleEndian
                        i += 1
                        n += 1
                    }
                    pause(0.02 + rng.unit() * 0.06, &rng)
                }
                pause(0.15 + rng.unit() * 0.45, &rng)
            }
            return sampleCount * 2
        }
        self.buffer = buffer
    }

    /// Up to `maxLength` bytes starting `offset` bytes into the (endlessly repeated) samples,
    /// stopping at the buffer's end so the slice never needs a copy.
    func slice(at offset: Int, maxLength: Int) -> ByteBuffer {
        let total = buffer.readableBytes
        let start = offset % total
        let length = min(maxLength, total - start)
        return buffer.getSlice(at: buffer.readerIndex + start, length: length) ?? ByteBuffer()
    }
}
