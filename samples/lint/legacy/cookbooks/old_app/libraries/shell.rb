# LEG014 removed-mixin (Chef::Mixin::Command went with Chef 13); LEG015 library-injection.
module OldApp
  module Shell
    include Chef::Mixin::Command
  end
end

Chef::Recipe.send(:include, OldApp::Shell)
