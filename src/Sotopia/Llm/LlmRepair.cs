using SotopiaPi.Grains.Interfaces;

namespace SotopiaPi.Sotopia.Llm;

/// <summary>The one repair call an unreadable answer got (<see cref="LlmAnswerCheck"/>).</summary>
/// <param name="FirstAnswer">The unreadable first answer.</param>
/// <param name="FirstError">What the check said is wrong with it.</param>
/// <param name="FirstUsage">The first call's usage.</param>
/// <param name="CallFailure">The repair call failed for good (the answer is then the first one).</param>
public sealed record LlmRepair(string FirstAnswer, string FirstError, CallUsage FirstUsage, LlmCallException? CallFailure);
