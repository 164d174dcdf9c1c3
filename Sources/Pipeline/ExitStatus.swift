/// The process exit codes, shared by every command (README, "Exit codes").
public enum ExitStatus: Int32, Sendable, CaseIterable {
    /// All went well (quarantined rows are not a failure: they are reported).
    case success = 0
    /// The run succeeded, with findings at or above the definition's `fail_on` severity.
    case findings = 1
    /// The definition or the reference data is invalid.
    case badDefinition = 2
    /// An input file could not be read as a whole (missing, wrong encoding, malformed XML, no header).
    case unreadableInput = 3
    /// An output could not be written.
    case outputFailed = 4
    /// Another run holds the output folder's lock.
    case locked = 5
    /// Never returned by the binary: the nightly wrapper (`stagebalans-nightly`, from
    /// `scripts/nightly.sh`) stopped a run that outlived `STAGEBALANS_TIMEOUT`. Listed so that
    /// every exit code has one meaning.
    case timedOut = 6
    /// The publish guard held the run back: it is in `runs/ID`, `latest` names the run before;
    /// `stagebalans accept ID` publishes it.
    case held = 7
    /// Never returned by the binary: the nightly wrapper started no run, because the binary is
    /// missing or a setting of its own cannot be used (docs/operations.md).
    case nightlyNotStarted = 8
    /// The command line itself is wrong (an unknown command or option, a bad value): nothing ran.
    case usage = 64

    public var meaning: String {
        switch self {
        case .success: return "success"
        case .findings: return "success, with findings at or above fail_on"
        case .badDefinition: return "invalid pipeline definition or reference data"
        case .unreadableInput: return "an input file could not be read as a whole"
        case .outputFailed: return "an output could not be written"
        case .locked: return "another run holds the lock on the output folder"
        case .timedOut: return "stagebalans-nightly stopped the run after STAGEBALANS_TIMEOUT"
        case .held: return "held back by the publish guard; stagebalans accept ID publishes it"
        case .nightlyNotStarted: return "stagebalans-nightly started no run: no binary, or a setting it cannot use"
        case .usage: return "the command line is wrong (unknown command or option, bad value)"
        }
    }
}
