using System.CommandLine;
using Spectre.Console;

namespace SparseDsl.Experiments;

/// <summary><c>list</c>: every grid point with its id and status in the store.</summary>
internal static class ListCommand
{
    public static Command Create(StudyDefinition study)
    {
        var store = ExperimentProgram.StoreOption();
        var steps = new Option<int?>("--steps") { Description = "List the points as `run --steps N` would resolve them." };
        var command = new Command("list", "Show the grid points, their run ids and whether they have run.") { store, steps };
        command.SetAction(parse => CommandGuard.Run(parse, () =>
        {
            var points = StudyPlan.Resolve(study, parse.GetValue(steps));
            string path = parse.GetValue(store)!;
            // A missing store is an empty one (nothing has run); a folder or a damaged file is said in one line.
            using var results = ResultStores.OpenExisting(path);
            var table = new Table().AddColumns("#", "id", "point", "status");
            foreach (var point in points)
            {
                // A run an earlier SparseDsl stored under its legacy id is shown as it is; `run` adopts it.
                var status = (results?.GetRun(point.Id) ?? results?.GetRun(point.LegacyId)) is { } run ? ReportCommand.Status(run) : "pending";
                table.AddRow(point.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), point.Id, Markup.Escape(point.Label), status);
            }

            AnsiConsole.Write(table);
            return 0;
        }));
        return command;
    }
}
