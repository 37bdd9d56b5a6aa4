/// Long flags present on a command line, to tell a flag given with its default value (which
/// must win over the file) from one not given at all: the parsed values cannot tell.
struct GivenFlags {
    private var names: Set<String> = []

    init(_ arguments: [String]) {
        for argument in arguments.dropFirst() {
            if argument == "--" { break }
            guard argument.hasPrefix("--") else { continue }
            names.insert(String(argument.split(separator: "=", maxSplits: 1)[0]))
        }
    }

    func contains(_ flag: String) -> Bool { names.contains(flag) }
}
