using System.Text;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>The task generator's prompt (reference §d1), in our own words: one inspirational keyword, one existing
/// scenario as the example of form and detail, the constraints SOTOPIA puts on a scenario, and the answer schema.</summary>
public static class TaskGenerationPrompt
{
    public static string Render(string keyword, string exampleJson)
    {
        ArgumentNullException.ThrowIfNull(keyword);
        ArgumentNullException.ThrowIfNull(exampleJson);
        var text = new StringBuilder();
        text.Append("You write tasks for a role-play that tests social intelligence. A task is a scenario shared by two participants plus one private social goal for each of them.\n\n");
        text.Append("Write one new task inspired by this prompt: \"").Append(keyword.Trim()).Append("\"\n\n");
        text.Append("Rules:\n");
        text.Append("- The scenario involves exactly two people. It says how they are related and why the first person approaches the second.\n");
        text.Append("- Use no names and no occupations in the scenario, keep it gender-neutral, and involve nobody younger than 18 or older than 70.\n");
        text.Append("- Design the two goals around a point where the participants initially disagree and have to work it out. Each goal is written for its own participant, who does not see the other's goal.\n");
        text.Append("- A goal may end with extra facts only its owner knows, inside <extra_info>...</extra_info>, or a strategy hint inside <strategy_hint>...</strategy_hint>; keep hints general.\n");
        text.Append("- relationship is one of stranger, know_by_name, acquaintance, friend, romantic_relationship, family_member, and must fit the scenario.\n");
        text.Append("- age_constraint lists one (min, max) age range per participant, like [(18, 70), (18, 70)]; narrow it only when the scenario needs it.\n");
        text.Append("- occupation_constraint is null unless the scenario needs particular occupations.\n");
        text.Append("- codename is a short snake_case label.\n\n");
        text.Append("Here is an existing task, to show the expected form and level of detail. Do not reuse its topic or wording:\n");
        text.Append(exampleJson).Append("\n\n");
        text.Append("Answer with only a JSON object valid against this JSON schema:\n");
        text.Append(GeneratedScenarioParser.Schema);
        return text.ToString();
    }
}
