import ArgumentParser
import Foundation
import TTSArchiveCore

/// The one mapping from an error to the documented exit codes (``ExitClass``, the table).
enum ExitStatus {
    static let success = ExitClass.success.code
    static let partialFailure = ExitClass.partial.code
    static let usage = ExitClass.usage.code
    static let authentication = ExitClass.authentication.code
    static let unusableStore = ExitClass.unusableStore.code
    static let damage = ExitClass.damage.code

    /// The exit code for an error that ended a command.
    static func code(for error: any Error) -> Int32 {
        switch error {
        case let error as StoreError:
            switch error.code {
            case .malformedDigest: return usage
            case .unknownObject: return partialFailure
            case .damaged: return damage
            case .notAStore, .notWritable, .diskFull, .io: return unusableStore
            }
        case let error as any ExitCoded:
            return error.exitCode
        default:
            return partialFailure
        }
    }

    /// Prints one line on stderr and exits with the error's code.
    static func fail(_ error: any Error) -> ExitCode {
        printError("ttsarchive: error: \(error)")
        return ExitCode(code(for: error))
    }
}

/// Writes one line to stderr (escaped; dropped once stderr has failed).
func printError(_ line: String) {
    Console.error(line)
}

/// Runs a command body, turning any failure into one stderr line and the documented exit code.
func mappingErrors(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch let error as ValidationError {
        throw error
    } catch let error as OutputError where error.channel == OutputChannel.standardOutput.name {
        // Stdout failed mid-command (`cat` into a closed pipe or /dev/full).
        throw ExitCode(Console.status(for: error))
    } catch {
        throw ExitStatus.fail(error)
    }
}
