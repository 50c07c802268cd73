using Jaula.Sandbox.Mounts;

namespace Jaula.Linux.Tests.Sandbox;

public class MountOptionsTests
{
    [Fact]
    public void Nothing_given_means_nothing_set()
    {
        var options = MountOptions.Parse(null);

        options.Should().Be(new MountOptions(MountFlags.None, MountFlags.None, MountFlags.None, false, false,
            MountAttr.None, MountAttr.None, false, false, false, ""));
        options.PropagationSteps.Should().BeEmpty();
    }

    [Theory]
    [InlineData("ro", MountFlags.ReadOnly)]
    [InlineData("nosuid", MountFlags.NoSuid)]
    [InlineData("nodev", MountFlags.NoDev)]
    [InlineData("noexec", MountFlags.NoExec)]
    [InlineData("sync", MountFlags.Synchronous)]
    [InlineData("dirsync", MountFlags.DirSync)]
    [InlineData("remount", MountFlags.Remount)]
    [InlineData("mand", MountFlags.Mandlock)]
    [InlineData("noatime", MountFlags.NoAtime)]
    [InlineData("nodiratime", MountFlags.NoDirAtime)]
    [InlineData("relatime", MountFlags.RelAtime)]
    [InlineData("strictatime", MountFlags.StrictAtime)]
    [InlineData("lazytime", MountFlags.LazyTime)]
    [InlineData("silent", MountFlags.Silent)]
    [InlineData("nosymfollow", MountFlags.NoSymFollow)]
    [InlineData("defaults", MountFlags.None)]
    public void A_flag_word_sets_its_flag(string word, MountFlags flag)
    {
        var options = MountOptions.Parse([word]);

        options.Flags.Should().Be(flag);
        options.ClearedFlags.Should().Be(MountFlags.None);
        options.Data.Should().BeEmpty();
    }

    [Theory]
    [InlineData("rw", MountFlags.ReadOnly)]
    [InlineData("suid", MountFlags.NoSuid)]
    [InlineData("dev", MountFlags.NoDev)]
    [InlineData("exec", MountFlags.NoExec)]
    [InlineData("async", MountFlags.Synchronous)]
    [InlineData("nomand", MountFlags.Mandlock)]
    [InlineData("atime", MountFlags.NoAtime)]
    [InlineData("diratime", MountFlags.NoDirAtime)]
    [InlineData("norelatime", MountFlags.RelAtime)]
    [InlineData("nostrictatime", MountFlags.StrictAtime)]
    [InlineData("nolazytime", MountFlags.LazyTime)]
    [InlineData("loud", MountFlags.Silent)]
    [InlineData("symfollow", MountFlags.NoSymFollow)]
    public void A_negative_word_clears_its_flag(string word, MountFlags flag)
    {
        var options = MountOptions.Parse([word]);

        options.Flags.Should().Be(MountFlags.None);
        options.ClearedFlags.Should().Be(flag);
    }

    [Theory]
    [InlineData(new[] { "ro", "rw" }, MountFlags.None, MountFlags.ReadOnly)]
    [InlineData(new[] { "rw", "ro" }, MountFlags.ReadOnly, MountFlags.None)]
    [InlineData(new[] { "nosuid", "suid", "nosuid" }, MountFlags.NoSuid, MountFlags.None)]
    [InlineData(new[] { "noatime", "strictatime" }, MountFlags.StrictAtime, MountFlags.None)]
    [InlineData(new[] { "relatime", "noatime" }, MountFlags.NoAtime, MountFlags.None)]
    [InlineData(new[] { "noexec", "nodev", "exec" }, MountFlags.NoDev, MountFlags.NoExec)]
    public void A_later_word_overrides_an_earlier_one(string[] words, MountFlags flags, MountFlags cleared)
    {
        var options = MountOptions.Parse(words);

        options.Flags.Should().Be(flags);
        options.ClearedFlags.Should().Be(cleared);
    }

    [Fact]
    public void Bind_and_rbind()
    {
        var bind = MountOptions.Parse(["bind", "ro"]);
        bind.IsBind.Should().BeTrue();
        bind.IsRecursiveBind.Should().BeFalse();
        bind.Flags.Should().Be(MountFlags.Bind | MountFlags.ReadOnly);

        var rbind = MountOptions.Parse(["rbind"]);
        rbind.IsBind.Should().BeTrue();
        rbind.IsRecursiveBind.Should().BeTrue();
        rbind.Flags.Should().Be(MountFlags.Bind | MountFlags.Rec);

        var overridden = MountOptions.Parse(["rbind", "bind"]);
        overridden.IsRecursiveBind.Should().BeFalse();
        overridden.Flags.Should().Be(MountFlags.Bind);
    }

    [Theory]
    [InlineData("private", MountFlags.Private)]
    [InlineData("rprivate", MountFlags.Private | MountFlags.Rec)]
    [InlineData("shared", MountFlags.Shared)]
    [InlineData("rshared", MountFlags.Shared | MountFlags.Rec)]
    [InlineData("slave", MountFlags.Slave)]
    [InlineData("rslave", MountFlags.Slave | MountFlags.Rec)]
    [InlineData("unbindable", MountFlags.Unbindable)]
    [InlineData("runbindable", MountFlags.Unbindable | MountFlags.Rec)]
    public void A_propagation_word_goes_to_Propagation_not_Flags(string word, MountFlags propagation)
    {
        var options = MountOptions.Parse([word]);

        options.Propagation.Should().Be(propagation);
        options.PropagationSteps.Should().Equal(propagation);
        options.Flags.Should().Be(MountFlags.None);
    }

    [Fact]
    public void Several_propagation_words_combine_and_keep_their_order()
    {
        var options = MountOptions.Parse(["rslave", "shared"]);

        options.Propagation.Should().Be(MountFlags.Slave | MountFlags.Shared | MountFlags.Rec);
        options.PropagationSteps.Should().Equal(MountFlags.Slave | MountFlags.Rec, MountFlags.Shared);
    }

    [Theory]
    [InlineData("rro", MountAttr.ReadOnly, MountAttr.None)]
    [InlineData("rrw", MountAttr.None, MountAttr.ReadOnly)]
    [InlineData("rnosuid", MountAttr.NoSuid, MountAttr.None)]
    [InlineData("rsuid", MountAttr.None, MountAttr.NoSuid)]
    [InlineData("rnodev", MountAttr.NoDev, MountAttr.None)]
    [InlineData("rdev", MountAttr.None, MountAttr.NoDev)]
    [InlineData("rnoexec", MountAttr.NoExec, MountAttr.None)]
    [InlineData("rexec", MountAttr.None, MountAttr.NoExec)]
    [InlineData("rnodiratime", MountAttr.NoDirAtime, MountAttr.None)]
    [InlineData("rdiratime", MountAttr.None, MountAttr.NoDirAtime)]
    [InlineData("rnosymfollow", MountAttr.NoSymFollow, MountAttr.None)]
    [InlineData("rsymfollow", MountAttr.None, MountAttr.NoSymFollow)]
    [InlineData("rnoatime", MountAttr.NoAtime, MountAttr.AtimeMask)]
    [InlineData("rstrictatime", MountAttr.StrictAtime, MountAttr.AtimeMask)]
    [InlineData("rrelatime", MountAttr.RelAtime, MountAttr.AtimeMask)]
    [InlineData("ratime", MountAttr.RelAtime, MountAttr.AtimeMask)]
    [InlineData("rnorelatime", MountAttr.RelAtime, MountAttr.AtimeMask)]
    [InlineData("rnostrictatime", MountAttr.RelAtime, MountAttr.AtimeMask)]
    public void A_recursive_word_goes_to_the_mount_setattr_sets(string word, MountAttr set, MountAttr clear)
    {
        var options = MountOptions.Parse([word]);

        options.RecursiveSet.Should().Be(set);
        options.RecursiveClear.Should().Be(clear);
        options.Flags.Should().Be(MountFlags.None);
    }

    [Fact]
    public void Recursive_words_override_each_other()
    {
        var options = MountOptions.Parse(["rro", "rnoatime", "rrw", "rstrictatime", "rnosuid"]);

        options.RecursiveSet.Should().Be(MountAttr.StrictAtime | MountAttr.NoSuid);
        options.RecursiveClear.Should().Be(MountAttr.ReadOnly | MountAttr.AtimeMask);
    }

    [Fact]
    public void Idmap_ridmap_and_tmpcopyup()
    {
        MountOptions.Parse(["idmap"]).Should().Match<MountOptions>(o => o.Idmap && !o.RecursiveIdmap);
        MountOptions.Parse(["ridmap"]).Should().Match<MountOptions>(o => o.Idmap && o.RecursiveIdmap);
        MountOptions.Parse(["tmpcopyup"]).TmpCopyUp.Should().BeTrue();
    }

    [Fact]
    public void Unknown_words_become_the_data_string_in_order()
    {
        var options = MountOptions.Parse(["nosuid", "mode=755", "", "strictatime", "size=65536k", "newinstance"]);

        options.Data.Should().Be("mode=755,size=65536k,newinstance");
        options.Flags.Should().Be(MountFlags.NoSuid | MountFlags.StrictAtime);
    }

    [Fact]
    public void A_typical_dev_mount()
    {
        var options = MountOptions.Parse(["nosuid", "strictatime", "mode=755", "size=65536k"]);

        options.Should().Be(new MountOptions(MountFlags.NoSuid | MountFlags.StrictAtime, MountFlags.None, MountFlags.None,
            false, false, MountAttr.None, MountAttr.None, false, false, false, "mode=755,size=65536k"));
    }
}
