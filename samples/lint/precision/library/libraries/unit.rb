module Webkit
  # Writes an init script from a library helper: still hand-rolled.
  module InitScript
    def webkit_init_script(name)
      template "/etc/init.d/#{name}" do # flag: SVC002
        source 'init.sh.erb'
        mode '0755'
      end
    end
  end
end
