/// How many artifacts of each job are still queued or in flight. When a job's last one is done,
/// its links (``LinkBook``) and audio durations (``AudioDurations``) are no longer needed and
/// are dropped, so what the run holds stays proportional to the work in flight, not the night.
struct OpenJobs {
    private var open: [String: (artifacts: Int, files: Int)] = [:]

    /// Notes `artifacts` more artifacts of a job queued; returns the job's file count when
    /// nothing of it is open (nothing was queued), so its entries can be dropped at once.
    mutating func queued(_ jobID: String, artifacts: Int, files: Int) -> Int? {
        let entry = open[jobID].map { ($0.artifacts + artifacts, max($0.files, files)) } ?? (artifacts, files)
        guard entry.0 > 0 else {
            open[jobID] = nil
            return files
        }
        open[jobID] = entry
        return nil
    }

    /// Notes one artifact of the job done (stored or failed); returns the job's file count when
    /// it was the last one open.
    mutating func finished(_ jobID: String) -> Int? {
        guard let entry = open[jobID] else { return nil }
        guard entry.artifacts > 1 else {
            open[jobID] = nil
            return entry.files
        }
        open[jobID] = (entry.artifacts - 1, entry.files)
        return nil
    }
}
