namespace SparseDsl.Data;

/// <summary>One document of a text corpus: its name in the source (a Brown file name, a file path) and its text.</summary>
public sealed record TextDocument(string Name, string Text);
