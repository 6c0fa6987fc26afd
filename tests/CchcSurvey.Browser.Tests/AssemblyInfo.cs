// One browser and one app at a time: the machine has two cores, and the other test projects run beside these.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
