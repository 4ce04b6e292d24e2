using SparseDsl.Data;

namespace SparseDsl.Runtime.Tests.Data;

public sealed class IdxReaderTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void GzipOrRawImages_ReadBackExactly(bool gzip)
    {
        using var temp = new TempFolder();
        byte[] raw = IdxFixtures.Images(3, 2, 4, k => (byte)(k * 7));
        string path = temp.File("images.gz");
        File.WriteAllBytes(path, gzip ? IdxFixtures.Gzip(raw) : raw);

        IdxImages images = IdxReader.ReadImages(path);

        Assert.Equal((3, 2, 4), (images.Count, images.Rows, images.Columns));
        Assert.Equal(raw[16..], images.Pixels);
    }

    [Fact]
    public void Labels_ReadBackExactly()
    {
        using var temp = new TempFolder();
        string path = temp.File("labels.gz");
        File.WriteAllBytes(path, IdxFixtures.Gzip(IdxFixtures.Labels([3, 1, 4, 1, 5])));

        Assert.Equal([3, 1, 4, 1, 5], IdxReader.ReadLabels(path));
    }

    [Fact]
    public void ImagesMagicInLabelFile_ThrowsNamingFileAndBothMagics()
    {
        using var temp = new TempFolder();
        string path = temp.File("labels.gz");
        File.WriteAllBytes(path, IdxFixtures.Gzip(IdxFixtures.Images(1, 2, 2, _ => 0)));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("magic 0x00000803, expected 0x00000801", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BadImageMagic_Throws()
    {
        using var temp = new TempFolder();
        string path = temp.File("images");
        File.WriteAllBytes(path, IdxFixtures.Images(1, 2, 2, _ => 0, magic: 0x12345678));

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains("magic 0x12345678, expected 0x00000803", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TruncatedBody_ThrowsWithAnnouncedAndActualSize(bool gzip)
    {
        using var temp = new TempFolder();
        byte[] raw = IdxFixtures.Images(4, 3, 3, k => (byte)k)[..^5];
        string path = temp.File("images.gz");
        File.WriteAllBytes(path, gzip ? IdxFixtures.Gzip(raw) : raw);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
        Assert.Contains("4 images of 3x3 (36 bytes) but only 31 bytes follow", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TruncatedGzipStream_ThrowsInvalidData()
    {
        using var temp = new TempFolder();
        byte[] gz = IdxFixtures.Gzip(IdxFixtures.Images(50, 28, 28, k => (byte)(k * 31)));
        string path = temp.File("images.gz");
        File.WriteAllBytes(path, gz[..(gz.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadImages(path));

        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FileShorterThanHeader_Throws()
    {
        using var temp = new TempFolder();
        string path = temp.File("labels");
        File.WriteAllBytes(path, [0, 0, 8]);

        var error = Assert.Throws<InvalidDataException>(() => IdxReader.ReadLabels(path));

        Assert.Contains("shorter than the 8-byte IDX label header", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FashionMnistLoader_ScalesPixelsToUnitInterval()
    {
        using var temp = new TempFolder();
        IdxFixtures.WriteFashionMnist(temp.Path, train: 12, test: 5);

        Dataset data = FashionMnist.Load(temp.Path);

        Assert.Equal((784, 10, 12, 5), (data.Features, data.Classes, data.Train.Count, data.Test.Count));
        Assert.Equal(0f, data.Train.Inputs[0]);
        Assert.Equal(1f / 255f, data.Train.Inputs[1]);
        Assert.Equal(1f, data.Train.Inputs[255]);
        Assert.Equal(1f, data.Test.Inputs[0]);
        Assert.Equal([0, 3, 6, 9, 2], data.Test.Labels);
    }

    [Fact]
    public void FashionMnistLoader_AcceptsUncompressedFiles()
    {
        using var temp = new TempFolder();
        IdxFixtures.WriteFashionMnist(temp.Path, gzip: false);

        Assert.Equal(12, FashionMnist.Load(temp.Path).Train.Count);
    }

    [Fact]
    public void FashionMnistLoader_LabelOutsideClasses_Throws()
    {
        using var temp = new TempFolder();
        IdxFixtures.WriteFashionMnist(temp.Path, train: 2, test: 1);
        File.WriteAllBytes(temp.File("t10k-labels-idx1-ubyte.gz"), IdxFixtures.Gzip(IdxFixtures.Labels([12])));

        var error = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(temp.Path));

        Assert.Contains("label 12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FashionMnistLoader_CountMismatch_Throws()
    {
        using var temp = new TempFolder();
        IdxFixtures.WriteFashionMnist(temp.Path, train: 3, test: 1);
        File.WriteAllBytes(temp.File("train-labels-idx1-ubyte.gz"), IdxFixtures.Gzip(IdxFixtures.Labels([1, 2])));

        var error = Assert.Throws<InvalidDataException>(() => FashionMnist.Load(temp.Path));

        Assert.Contains("3 images but", error.Message, StringComparison.Ordinal);
    }
}
