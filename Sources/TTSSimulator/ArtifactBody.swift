import NIOCore
import TTSArchiveCore

/// The bytes of one artifact, produced on demand in chunks: nothing larger than a small text
/// file is ever held, and audio chunks are zero-copy slices of the shared waveform.
struct ArtifactBody: Sendable {
    let size: Int
    let mediaType: String
    private let layout: Layout

    private enum Layout: Sendable {
        /// A small file made whole (JSON, SRT).
        case bytes(ByteBuffer)
        /// A header (WAV; empty for PCM) followed by samples from `start` in the waveform.
        case samples(header: ByteBuffer, wave: SpeechWaveform, start: Int)
        /// An ID3 tag followed by fixed-size MPEG frames whose payload comes from the waveform.
        case mp3(id3: ByteBuffer, wave: SpeechWaveform, start: Int)
    }

    /// The body of `content`, in a world with this seed and waveform.
    init(content: ArtifactContent, seed: UInt64, wave: SpeechWaveform) {
        switch content {
        case .audio(let audio):
            size = audio.size
            mediaType = ArtifactKind.audio.mediaType(audioFormat: audio.format)
            // An even start keeps WAV/PCM samples aligned.
            let start = Int(audio.seed % UInt64(wave.sampleCount)) * 2
            switch audio.format {
            case .wav: layout = .samples(header: Self.wavHeader(audio), wave: wave, start: start)
            case .pcm: layout = .samples(header: ByteBuffer(), wave: wave, start: start)
            case .mp3: layout = .mp3(id3: Self.id3Tag(audio), wave: wave, start: start)
            }
        case .timestamps(let audio, let textSeed):
            let bytes = TextArtifacts.timestamps(audio: audio, textSeed: textSeed)
            (size, mediaType, layout) = (bytes.count, "application/json", .bytes(ByteBuffer(bytes: bytes)))
        case .subtitles(let audio, let textSeed):
            let bytes = TextArtifacts.subtitles(audio: audio, textSeed: textSeed)
            (size, mediaType, layout) = (bytes.count, "application/x-subrip", .bytes(ByteBuffer(bytes: bytes)))
        case .actions(let variant):
            let bytes = TextArtifacts.actions(variant: variant, seed: seed)
            (size, mediaType, layout) = (bytes.count, "application/json", .bytes(ByteBuffer(bytes: bytes)))
        }
    }

    /// Between 1 and `maxLength` bytes starting at `offset` (which must be below `size`).
    func chunk(at offset: Int, maxLength: Int) -> ByteBuffer {
        let wanted = min(maxLength, size - offset)
        switch layout {
        case .bytes(let buffer):
            return buffer.getSlice(at: buffer.readerIndex + offset, length: wanted) ?? ByteBuffer()
        case .samples(let header, let wave, let start):
            if offset < header.readableBytes {
                return header.getSlice(at: offset, length: min(wanted, header.readableBytes - offset)) ?? ByteBuffer()
            }
            return wave.slice(at: start + offset - header.readableBytes, maxLength: wanted)
        case .mp3(let id3, let wave, let start):
            return Self.mp3Chunk(offset: offset, length: wanted, id3: id3, wave: wave, start: start)
        }
    }

    private static func mp3Chunk(offset: Int, length: Int, id3: ByteBuffer, wave: SpeechWaveform, start: Int) -> ByteBuffer {
        var out = ByteBufferAllocator().buffer(capacity: length)
        var position = offset
        let end = offset + length
        let frame = AudioLayout.mp3FrameBytes, headerBytes = AudioLayout.mp3FrameHeader.count
        while position < end {
            if position < id3.readableBytes {
                let n = min(end, id3.readableBytes) - position
                out.writeImmutableBuffer(id3.getSlice(at: position, length: n) ?? ByteBuffer())
                position += n
                continue
            }
            let relative = position - id3.readableBytes
            let index = relative / frame, inFrame = relative % frame
            if inFrame < headerBytes {
                let n = min(headerBytes - inFrame, end - position)
                out.writeBytes(AudioLayout.mp3FrameHeader[inFrame..<(inFrame + n)])
                position += n
            } else {
                let n = min(frame - inFrame, end - position)
                let payload = wave.slice(at: start + index * (frame - headerBytes) + inFrame - headerBytes, maxLength: n)
                out.writeImmutableBuffer(payload)
                position += payload.readableBytes
            }
        }
        return out
    }

    private static func wavHeader(_ audio: AudioSpec) -> ByteBuffer {
        let data = UInt32(clamping: audio.size - AudioLayout.wavHeaderBytes)
        var b = ByteBuffer()
        b.writeString("RIFF")
        b.writeInteger(UInt32(clamping: audio.size - 8), endianness: .little)
        b.writeString("WAVEfmt ")
        b.writeInteger(UInt32(16), endianness: .little)
        b.writeInteger(UInt16(1), endianness: .little)  // PCM
        b.writeInteger(UInt16(1), endianness: .little)  // mono
        b.writeInteger(UInt32(audio.sampleRate), endianness: .little)
        b.writeInteger(UInt32(audio.sampleRate * 2), endianness: .little)
        b.writeInteger(UInt16(2), endianness: .little)
        b.writeInteger(UInt16(16), endianness: .little)
        b.writeString("data")
        b.writeInteger(data, endianness: .little)
        return b
    }

    private static func id3Tag(_ audio: AudioSpec) -> ByteBuffer {
        // ID3v2.4 with one TIT2 (title) frame; sizes are "syncsafe" (7 bits per byte).
        let title = Array("MetaStudio TTS \(String(audio.seed, radix: 16).suffix(12))".utf8)
        var text: [UInt8] = [0x03] + title  // UTF-8
        let frameBodyBytes = AudioLayout.id3Bytes - 20
        text = Array((text + [UInt8](repeating: 0, count: frameBodyBytes)).prefix(frameBodyBytes))
        func syncsafe(_ value: Int) -> [UInt8] {
            [UInt8((value >> 21) & 0x7F), UInt8((value >> 14) & 0x7F), UInt8((value >> 7) & 0x7F), UInt8(value & 0x7F)]
        }
        var b = ByteBuffer()
        b.writeBytes(Array("ID3".utf8) + [4, 0, 0] + syncsafe(10 + frameBodyBytes))
        b.writeBytes(Array("TIT2".utf8) + syncsafe(frameBodyBytes) + [0, 0])
        b.writeBytes(text)
        return b
    }
}
