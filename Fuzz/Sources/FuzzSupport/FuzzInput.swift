/// The bytes libFuzzer hands a target for one run, and how a target states what must hold.
public enum FuzzInput {
    /// Copies libFuzzer's buffer (null when empty) into an array, runs `body` on it and
    /// returns 0, the only value `LLVMFuzzerTestOneInput` may return.
    public static func run(_ data: UnsafePointer<UInt8>?, _ size: Int, _ body: ([UInt8]) -> Void) -> Int32 {
        body(size > 0 ? Array(UnsafeBufferPointer(start: data, count: size)) : [])
        return 0
    }
}

/// Stops the run as a crash when a property every input must keep does not hold.
///
/// A trap is what libFuzzer records as a finding (with the input saved as `crash-…`), so a
/// broken invariant is reported exactly like a memory error; the message says which one broke.
public func fuzzRequire(
    _ condition: @autoclosure () -> Bool, _ message: @autoclosure () -> String,
    file: StaticString = #fileID, line: UInt = #line
) {
    if !condition() {
        fatalError("fuzz property broken: \(message())", file: file, line: line)
    }
}
