internal import CLibFuzzer

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Starts libFuzzer from a target's `@main`, with the process's own command line.
public enum LibFuzzer {
    /// What libFuzzer calls once per input: the target's `LLVMFuzzerTestOneInput`.
    public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

    /// Runs the fuzzing loop (or replays the files named on the command line) and exits with
    /// libFuzzer's status: non-zero when it found a crash, a leak, a timeout or an OOM.
    public static func main(_ testOneInput: TestOneInput) -> Never {
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv, testOneInput))
    }
}
