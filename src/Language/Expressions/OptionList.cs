using System;
using System.Collections.Generic;
using System.Linq;

namespace SparseDsl.Language;

/// <summary>
/// The option tail shared by optimizer and schedule expressions: <c>key=value</c> pairs and bare flags in any
/// order. Unknown keys and repeated keys are errors that name the key and list the known ones.
/// </summary>
internal sealed class OptionList
{
    private readonly Dictionary<string, Action<TokenCursor>> values = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Group, Action Apply)> flags = new(StringComparer.Ordinal);
    private readonly List<string> order = new();

    /// <summary>A <c>key=value</c> option; <paramref name="read"/> consumes the value tokens.</summary>
    public OptionList Value(string key, Action<TokenCursor> read)
    {
        values[key] = read;
        order.Add(key + "=");
        return this;
    }

    /// <summary>A bare flag; flags sharing a <paramref name="group"/> exclude each other (<c>cosine</c> vs <c>linear</c>).</summary>
    public OptionList Flag(string flag, string group, Action apply)
    {
        flags[flag] = (group, apply);
        order.Add(flag);
        return this;
    }

    public string Known => string.Join(", ", order);

    /// <summary>Reads options until the end of input.</summary>
    public void ReadAll(TokenCursor cursor, string context)
    {
        var seen = new Dictionary<string, Token>(StringComparer.Ordinal);
        while (!cursor.AtEnd)
        {
            Token key = cursor.Next("an option");
            if (key.Kind != TokenKind.Word)
            {
                throw cursor.Fail(key, $"unexpected {key.Display}; expected an option of {context} ({Known})", "an option");
            }

            bool hasValue = cursor.TryTake(TokenKind.Equals, out _);
            if (values.TryGetValue(key.Text, out Action<TokenCursor>? read))
            {
                if (!hasValue)
                {
                    throw cursor.Fail(key, $"option '{key.Text}' needs a value; write {key.Text}=<value>", key.Text + "=<value>");
                }

                Remember(cursor, seen, key.Text, key);
                read(cursor);
            }
            else if (flags.TryGetValue(key.Text, out (string Group, Action Apply) flag))
            {
                if (hasValue)
                {
                    throw cursor.Fail(key, $"option '{key.Text}' takes no value; write just {key.Text}", key.Text);
                }

                Remember(cursor, seen, flag.Group, key);
                flag.Apply();
            }
            else
            {
                throw cursor.Fail(key, $"unknown option '{key.Text}' for {context}; known options: {Known}", Known);
            }
        }
    }

    private static void Remember(TokenCursor cursor, Dictionary<string, Token> seen, string group, Token key)
    {
        if (seen.TryGetValue(group, out Token? first))
        {
            string what = first.Text == key.Text ? $"duplicate option '{key.Text}'" : $"option '{key.Text}' conflicts with '{first.Text}' (column {first.Start + 1})";
            throw cursor.Fail(key, what + "; give each option once", "each option once");
        }

        seen[group] = key;
    }

    public static string Quote(IEnumerable<string> names) => string.Join(", ", names.Select(n => "'" + n + "'"));
}
