#if TTSARCHIVE_ISAL
internal import CIsal

/// ISA-L's igzip as ``GzipDeflater``'s fast engine: one gzip member (generic header: MTIME 0,
/// no name, OS 255) from `isal_deflate`, which compresses speech about 4× faster than zlib's
/// level 6 `Z_RLE` and no larger (docs/compression.md).
///
/// igzip's output depends on how its input is fed: the same bytes handed over whole, in 64 KiB
/// pieces or in random pieces give different (all valid) streams. The store is content
/// addressed and promises the same object bytes for the same content, so this class feeds
/// igzip in **fixed** ``blockSize`` blocks and drains it through a **fixed** ``outputSize``
/// buffer whatever sizes its caller hands it (libcurl's callbacks have any size): input is
/// copied into a block buffer, except whole blocks of a large write, which are compressed in
/// place; the call sequence, and so the output, depends on the content alone. The output
/// buffer igzip sees is a 16 KiB window; the windows sit back to back in a larger batch that
/// `sink` receives whole, so writers get large writes without another copy (igzip sees the same
/// `avail_out` sequence wherever the window lies, so the bytes do not change).
///
/// Not thread-safe: one owner feeds it in order. Memory: the igzip state with its level buffer
/// (~370 KB at level 1) plus the two buffers, taken from and returned to ``IsalStreamPool``.
final class IsalGzipDeflater {
    /// The input block igzip is always handed (but the last, shorter one, at `finish`).
    static let blockSize = GzipDeflater.inputBlock
    /// The output buffer igzip always writes into (the window).
    static let outputSize = 16 * 1024
    /// Windows handed to `sink` at once (all but the last batch are this size): 64 KiB writes.
    /// Each transfer in flight holds one batch buffer, so it is not larger.
    static let batchSize = 4 * outputSize

    /// An ISA-L failure: the stream could not be created, or `isal_deflate` refused a call.
    struct Failure: Error, CustomStringConvertible {
        let operation: String
        let code: Int32
        var description: String {
            code == 0
                ? "ISA-L could not allocate a deflate stream (\(operation)); the machine is out of memory"
                : "ISA-L internal error (\(operation): code \(code))"
        }
    }

    private let state: IsalStreamState
    private var stream: UnsafeMutableRawPointer { state.stream }
    private var block: UnsafeMutableRawBufferPointer { state.block }
    private var blockFill = 0
    private var output: UnsafeMutableRawBufferPointer { state.output }
    private var outputFill = 0
    private var finished = false

    init(level: UInt32) throws(Failure) {
        state = try IsalStreamPool.take(level: level)
    }

    deinit { IsalStreamPool.give(state) }

    func update(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var rest = input[...]
        while !rest.isEmpty {
            if blockFill == 0 && rest.count >= Self.blockSize {
                // A whole block of the caller's memory: compressed where it lies, no copy.
                let whole = UnsafeRawBufferPointer(rebasing: rest.prefix(Self.blockSize))
                try compress(whole, last: false, sink: sink)
                rest = rest.dropFirst(Self.blockSize)
                continue
            }
            let taken = min(Self.blockSize - blockFill, rest.count)
            UnsafeMutableRawBufferPointer(rebasing: block[blockFill..<(blockFill + taken)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: rest.prefix(taken)))
            blockFill += taken
            rest = rest.dropFirst(taken)
            if blockFill == Self.blockSize {
                try compress(UnsafeRawBufferPointer(block), last: false, sink: sink)
                blockFill = 0
            }
        }
    }

    func finish(sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard !finished else { return }
        finished = true
        try compress(UnsafeRawBufferPointer(rebasing: block[0..<blockFill]), last: true, sink: sink)
        blockFill = 0
        if outputFill > 0 {
            try sink(UnsafeRawBufferPointer(rebasing: output[0..<outputFill]))
            outputFill = 0
        }
    }

    /// Hands `input` to igzip, one window at a time, emptying the batch into `sink` when it fills.
    private func compress(_ input: UnsafeRawBufferPointer, last: Bool, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        var next = input.baseAddress?.assumingMemoryBound(to: UInt8.self)
        var left = UInt32(input.count)
        while true {
            var inputLeft: UInt32 = 0
            var outputLeft: UInt32 = 0
            var ended: Int32 = 0
            let room = Self.outputSize - outputFill % Self.outputSize
            let code = CIsal_deflateStep(
                stream, next, left, output.baseAddress!.advanced(by: outputFill).assumingMemoryBound(to: UInt8.self),
                UInt32(room), last ? 1 : 0, &inputLeft, &outputLeft, &ended)
            guard code == 0 else { throw Failure(operation: "isal_deflate", code: code) }
            let consumed = Int(left - inputLeft)
            next = next.map { $0 + consumed }
            left = inputLeft
            outputFill += room - Int(outputLeft)
            if outputFill % Self.outputSize == 0 && outputLeft == 0 {
                if outputFill == Self.batchSize {
                    try sink(UnsafeRawBufferPointer(output))
                    outputFill = 0
                }
                continue
            }
            // Output room is left, so igzip stopped for want of input (or has written the end).
            if last ? ended != 0 : left == 0 { return }
            if consumed == 0 && outputLeft == UInt32(room) {
                throw Failure(operation: "isal_deflate made no progress", code: -1)
            }
        }
    }
}
#endif
