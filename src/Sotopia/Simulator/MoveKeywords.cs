namespace SotopiaPi.Sotopia.Simulator;

/// <summary>Best-effort classification of free text (lines not made by <see cref="MoveCodec"/>, for example an
/// LLM's) by weighted keywords. Ties go to the move listed first; no hit at all is small talk (or a question).</summary>
internal static class MoveKeywords
{
    private static readonly (SocialMove Move, string[] Cues)[] Table =
    [
        (SocialMove.Pressure, ["or else", "you'd better", "you better", "i'm warning", "i warn", "regret", "report you", "you have no choice", "threat", "consequences"]),
        (SocialMove.Overshare, ["secret", "never told", "between you and me", "shouldn't tell", "confess", "truth is", "don't tell anyone"]),
        (SocialMove.Refuse, ["no,", "no.", "i can't", "i cannot", "i won't", "i will not", "not going to", "refuse", "no way", "i'd rather not", "not possible", "decline"]),
        (SocialMove.Accept, ["deal", "agreed", "i agree", "sounds good", "that works", "sounds great", "it's a deal", "let's do it", "you've got a deal", "i accept", "perfect"]),
        (SocialMove.Concede, ["meet you halfway", "meet you in the middle", "compromise", "you're right", "you have a point", "fair enough", "i can go", "i'll lower", "i'll give", "i could stretch", "i'm willing to"]),
        (SocialMove.Counter, ["instead", "counteroffer", "counter-offer", "how about we", "alternatively", "what about", "rather"]),
        (SocialMove.Propose, ["how about", "i propose", "i suggest", "what if we", "let's", "i offer", "i can offer", "would you take", "would you accept", "my offer", "suggestion"]),
        (SocialMove.Empathise, ["i understand", "i'm sorry", "i am sorry", "that must", "i hear you", "i can imagine", "sounds hard", "sounds tough", "i know how", "how you feel", "i feel for you", "i appreciate"]),
        (SocialMove.Persuade, ["because", "think about", "consider", "benefit", "imagine", "it would help", "it'd help", "you'd feel", "worth it", "good for", "makes sense", "important"]),
        (SocialMove.Greet, ["hi ", "hello", "hey ", "good morning", "good evening", "good afternoon", "nice to meet", "nice to see", "good to see"]),
        (SocialMove.Ask, ["what do you", "how do you", "why do you", "could you tell", "can you tell", "what would you", "how are you", "what's your", "do you think", "what about you"]),
        (SocialMove.Share, ["honestly", "to be honest", "i need", "i want", "i have", "i am", "i'm ", "my ", "for me"]),
        (SocialMove.SmallTalk, ["by the way", "anyway", "weather", "weekend", "speaking of", "the game"]),
    ];

    public static SocialMove Guess(ReadOnlySpan<char> text)
    {
        var lower = string.Concat(" ", text.ToString().ToLowerInvariant(), " ");
        var best = SocialMove.SmallTalk;
        var bestScore = 0;
        foreach (var (move, cues) in Table)
        {
            var score = 0;
            foreach (var cue in cues)
            {
                if (lower.Contains(cue, StringComparison.Ordinal))
                {
                    score++;
                }
            }
            if (score > bestScore)
            {
                bestScore = score;
                best = move;
            }
        }
        if (bestScore == 0 && text.Contains('?'))
        {
            return SocialMove.Ask;
        }
        return best;
    }
}
