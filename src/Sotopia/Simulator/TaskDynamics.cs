namespace SotopiaPi.Sotopia.Simulator;

/// <summary>The hidden, deterministic parameters of one task, derived from a stable hash of (task id, world
/// seed) around priors set by what kind of task each seat faces. Policies never see these (they only see the
/// prompt); the <see cref="SimulatorJudge"/> uses them to decide how well each move lands.</summary>
public sealed class TaskDynamics
{
    private const int Families = 5;

    // Receptiveness priors of a listener to appeals made by a speaker whose task is of the given kind,
    // in AppealFamily order: Reason, Emotion, Openness, Offer, Force.
    private static readonly double[][] ReceptivenessPriors =
    [
        [0.50, 0.20, 0.35, 0.85, 0.15], // bargaining
        [0.40, 0.30, 0.70, 0.80, 0.10], // splitting
        [0.80, 0.60, 0.45, 0.45, 0.10], // persuasion
        [0.60, 0.40, 0.50, 0.75, 0.10], // negotiation
        [0.50, 0.50, 0.75, 0.60, 0.05], // cooperation
        [0.35, 0.80, 0.70, 0.35, 0.05], // secret
        [0.35, 0.85, 0.55, 0.50, 0.05], // conflict
        [0.75, 0.65, 0.40, 0.45, 0.10], // norms
        [0.50, 0.50, 0.55, 0.55, 0.10], // other
    ];

    private static readonly double[] ConflictPriors = [0.50, 0.40, 0.45, 0.45, 0.20, 0.60, 0.75, 0.50, 0.35];

    private readonly double[] _receptiveness = new double[2 * Families];
    private readonly double[] _initialOpenness = new double[2];
    private readonly int[] _patience = new int[2];
    private readonly double[] _secretSensitivity = new double[2];
    private readonly ScenarioKind[] _kinds = new ScenarioKind[2];

    private TaskDynamics()
    {
    }

    /// <summary>How heated the situation is, 0..1 (lowers openness, makes threats costlier).</summary>
    public double Conflict { get; private init; }

    /// <summary>Scale of the material stakes, around 1 (money or goods changing hands).</summary>
    public double Stakes { get; private init; }

    /// <summary>Derives the dynamics of a task for a world seed. <paramref name="kind0"/> and
    /// <paramref name="kind1"/> are the kinds each seat's goal reads as.</summary>
    public static TaskDynamics Create(string taskId, long worldSeed, ScenarioKind kind0, ScenarioKind kind1)
    {
        ArgumentNullException.ThrowIfNull(taskId);
        var hash = new StableHash(taskId, worldSeed);
        var conflict = Math.Clamp(((ConflictPriors[(int)kind0] + ConflictPriors[(int)kind1]) / 2) + hash.Between(-0.15, 0.15), 0.05, 0.95);
        var dynamics = new TaskDynamics
        {
            Conflict = conflict,
            Stakes = hash.Between(0.6, 1.4),
        };
        dynamics._kinds[0] = kind0;
        dynamics._kinds[1] = kind1;
        for (var listener = 0; listener < 2; listener++)
        {
            var speakerKind = listener == 0 ? kind1 : kind0;
            var priors = ReceptivenessPriors[(int)speakerKind];
            for (var f = 0; f < Families; f++)
            {
                dynamics._receptiveness[(listener * Families) + f] = Math.Clamp(priors[f] + hash.Between(-0.25, 0.25), 0.05, 1.0);
            }
            dynamics._initialOpenness[listener] = Math.Clamp(0.6 - (0.35 * conflict) + hash.Between(-0.1, 0.1), 0.05, 0.95);
            dynamics._patience[listener] = 2 + (int)(hash.NextDouble() * 3);
            dynamics._secretSensitivity[listener] = hash.Between(0.3, 1.0);
        }
        return dynamics;
    }

    /// <summary>The kind of task seat <paramref name="seat"/> faces.</summary>
    public ScenarioKind Kind(int seat) => _kinds[seat];

    /// <summary>How much <paramref name="listener"/> is moved by appeals of <paramref name="family"/>, 0..1.</summary>
    public double Receptiveness(int listener, AppealFamily family) => _receptiveness[(listener * Families) + (int)family];

    /// <summary>How open <paramref name="seat"/> is to the other at the start, 0..1.</summary>
    public double InitialOpenness(int seat) => _initialOpenness[seat];

    /// <summary>How many offers <paramref name="seat"/> hears before repeated pushing starts to annoy (2..4).</summary>
    public int Patience(int seat) => _patience[seat];

    /// <summary>How damaging it is for <paramref name="seat"/> to let private details slip, 0.3..1.</summary>
    public double SecretSensitivity(int seat) => _secretSensitivity[seat];
}
