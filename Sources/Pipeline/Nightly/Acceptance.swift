import Foundation

/// `stagebalans accept RUN`: a run the publish guard held back is published after a person has
/// looked at it. Under the output folder's lock, as a run: the history records the acceptance
/// (who, when) and makes the run published, then `latest` is switched to it by one rename. A
/// crash between the two is repaired by the next run, which points `latest` at the last
/// published run before it starts.
///
/// Refused: a name that is not a run id, a run the history does not know, a failed run, an
/// unchanged night (it has no folder: the run it equals is named), a published run `latest`
/// does not name, and a held run a later run was published after (accepting it would put
/// older reports in place of newer ones). Accepting the run `latest` names already does nothing.
public enum Acceptance {
    public struct Accepted: Sendable {
        public var runID: String
        /// `OUTPUT/runs/ID`, which `latest` now names.
        public var directory: String
        /// The run `latest` named before; nil when it named none.
        public var previousLatest: String?
        /// The run was accepted before, and `latest` names it: nothing was done.
        public var alreadyPublished: Bool
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var message: String
        /// 64 for a run that cannot be accepted, 5 when a run holds the lock, 4 for the output folder.
        public var exitCode: Int32

        public var description: String { message }
    }

    /// The run id `given` names: the id itself, or a path whose last part is one (`out/runs/ID/`).
    public static func runID(_ given: String) -> String? {
        let name = given.split(separator: "/").last.map(String.init) ?? given
        return Publisher.isRunID(name) ? name : nil
    }

    public static func accept(_ given: String, definition: PipelineDefinition, person: String = currentUser(),
                              now: Date = Date()) throws(Failure) -> Accepted {
        let output = definition.outputDirectory
        guard let runID = runID(given) else {
            throw refusal("error: '\(given)' is not a run id; a run id looks like 2026-11-23T21-01-33Z-29796 (`stagebalans history` lists them)")
        }
        guard FileManager.default.fileExists(atPath: output + "/" + HistoryStore.fileName) else {
            throw refusal("\(output): error: no run is recorded here (no \(HistoryStore.fileName)); is this the definition that ran?")
        }
        do {
            let folder = try OutputFolder(path: output)
            let lock: RunLock
            switch try RunLock.acquire(folder, startedAt: now) {
            case .success(let taken): lock = taken
            case .failure(let held):
                throw Failure(message: "\(held.path): error: a run holds the lock (\(held.holder)); accept again when it is done",
                              exitCode: ExitStatus.locked.rawValue)
            }
            defer { withExtendedLifetime(lock) {} }
            try folder.refuseForeignEntries()
            let history = try HistoryStore.open(directory: folder.path)
            let publisher = Publisher(folder: folder, keepRuns: definition.keepRuns)
            let latest = try folder.latestRunID()
            let accepted = Accepted(runID: runID, directory: publisher.runsDirectory + "/" + runID, previousLatest: latest,
                                    alreadyPublished: false)
            guard try check(runID, history: history, publisher: publisher, latest: latest) else {
                return Accepted(runID: runID, directory: accepted.directory, previousLatest: latest, alreadyPublished: true)
            }
            try history.accept(runID, at: ISO8601DateFormatter().string(from: now), by: person)
            try publisher.switchLatest(to: runID)
            return accepted
        } catch let failure as Failure {
            throw failure
        } catch let error as OutputError {
            throw Failure(message: error.description, exitCode: ExitStatus.outputFailed.rawValue)
        } catch {
            throw Failure(message: "\(output): error: \(error)", exitCode: ExitStatus.outputFailed.rawValue)
        }
    }

    /// True when `runID` is a held run that may be accepted; false when it is accepted and
    /// `latest` names it already; a refusal otherwise.
    static func check(_ runID: String, history: HistoryStore, publisher: Publisher, latest: String?) throws -> Bool {
        let output = publisher.outputDirectory
        guard let run = try history.run(id: runID) else {
            throw refusal("\(output): error: the history records no run \(runID) (`stagebalans history` lists the runs)")
        }
        switch run.outcome ?? (run.published ? .published : .failed) {
        case .held:
            if try history.heldRuns().superseded.contains(runID) {
                throw refusal("\(output)/runs/\(runID): error: a later run was published after this held run (latest names "
                              + "\(latest ?? "none")); accepting it would put older reports in place of newer ones")
            }
            guard publisher.hasRunFolder(runID) else {
                throw refusal("\(output)/runs/\(runID): error: the held run's folder is gone; nothing to publish")
            }
            return true
        case .published, .accepted:
            if latest == runID { return false }
            throw refusal("\(output)/runs/\(runID): error: this run was published, not held; latest names \(latest ?? "none")")
        case .failed:
            throw refusal("\(output): error: run \(runID) failed (exit \(run.exitCode)) and published nothing; there is nothing to accept")
        case .unchanged:
            throw refusal("\(output): error: run \(runID) was an unchanged night with no folder of its own; it equals run "
                          + "\(run.sameAs ?? "?"): accept that one if it is held")
        }
    }

    static func refusal(_ message: String) -> Failure { Failure(message: message, exitCode: 64) }

    /// Who accepts, for the history: the login name of the process's user, else its uid.
    public static func currentUser() -> String {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name { return String(cString: name) }
        return "uid \(geteuid())"
    }
}
