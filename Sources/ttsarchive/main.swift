import TTSArchiveCLI

// The commands live in TTSArchiveCLI (where the fuzz package can reach the parser); this sets
// up the console, runs the command and exits with the documented status.
await TTSArchiveCommand.runAsTool()
