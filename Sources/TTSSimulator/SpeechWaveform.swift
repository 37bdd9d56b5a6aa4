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

    init(seed: UInt64, sampleCount: Int = 1 << 20) {
        var rng = SeededRandom(seed: seed, stream: "waveform")
        var samples = [Int16](repeating: 0, count: sampleCount)
        let rate = 16_000.0
        var i = 0

        func noise(_ rng: inout SeededRandom) -> Double {
            // Sum of four uniforms: close enough to Gaussian, and cheap.
            (rng.unit() + rng.unit() + rng.unit() + rng.unit() - 2) * 1.7
        }
        func pause(_ seconds: Double, _ rng: inout SeededRandom) {
            let end = min(sampleCount, i + Int(rate * seconds))
            while i < end {
                samples[i] = Int16(noise(&rng) * 22)
                i += 1
            }
        }

        while i < sampleCount {
            for _ in 0..<rng.int(in: 2...7) {
                let length = Int(rate * (0.08 + rng.unit() * 0.2))
                let f0 = 90 + rng.unit() * 150
                let amplitude = 2500 + rng.unit() * 8500
                let harmonics = (1...6).map { k in (0.2 + rng.unit() * 0.8) / Double(k) }
                var phase = 0.0
                for n in 0..<length where i < sampleCount {
                    let envelope = sin(Double.pi * Double(n) / Double(length))
                    phase += 2 * Double.pi * f0 * (1 + 0.05 * sin(Double(n) / 800)) / rate
                    var value = 0.0
                    for (k, weight) in harmonics.enumerated() { value += weight * sin(phase * Double(k + 1)) }
                    value = value * amplitude * envelope + noise(&rng) * amplitude * 0.04 * envelope
                    samples[i] = Int16(max(-32_768, min(32_767, value)))
                    i += 1
                }
                pause(0.02 + rng.unit() * 0.06, &rng)
            }
            pause(0.15 + rng.unit() * 0.45, &rng)
        }

        var buffer = ByteBufferAllocator().buffer(capacity: sampleCount * 2)
        samples.withUnsafeBufferPointer { pointer in
            for sample in pointer { buffer.writeInteger(sample, endianness: .little) }
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
