import Foundation
import Testing

@testable import TTSArchiveCore

@Suite("Errors: what, where, what to do; exit codes from one table")
struct ErrorTableTests {
    @Test func anErrorIsOneLineOfWhatWhereAndFix() {
        let full = TTSArchiveError(.unusableState, "HEAD.json is unreadable", path: "/m/HEAD.json", fix: "`ttsarchive verify` the chain")
        #expect(full.description == "HEAD.json is unreadable (/m/HEAD.json): `ttsarchive verify` the chain")
        #expect(full.what == "HEAD.json is unreadable" && full.subject == "/m/HEAD.json")
        #expect(
            TTSArchiveError(.configuration, "no MetaStudio endpoint", fix: "pass --endpoint").description
                == "no MetaStudio endpoint: pass --endpoint")
        #expect(TTSArchiveError(.partial, "stopped").description == "stopped")
        #expect(!full.description.contains("\n"))
    }

    @Test func everyKindHasItsRowOfTheTable() {
        let kinds: [(TTSArchiveError.Kind, ExitClass)] = [
            (.partial, .partial), (.configuration, .usage), (.authentication, .authentication), (.unusableState, .unusableStore),
            (.damage, .damage),
        ]
        for (kind, row) in kinds {
            #expect(TTSArchiveError(kind, "x").exitCode == row.code)
        }
        #expect(ExitClass.allCases.map(\.code) == [0, 1, 2, 3, 4, 5])
        #expect(ConfigError(.unreadable(path: "/c", detail: "gone")).exitCode == ExitClass.usage.code)
    }
}
