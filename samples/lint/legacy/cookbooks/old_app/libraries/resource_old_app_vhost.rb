# LEG018 initialize-sets-defaults and LEG017 set-or-return: a resource written as a class, the
# Chef 11 way.
class Chef
  class Resource
    class OldAppVhost < Chef::Resource
      provides :old_app_vhost

      def initialize(name, run_context = nil)
        super
        @resource_name = :old_app_vhost
        @allowed_actions.push(:create, :delete)
        @action = :create
      end

      def server_name(arg = nil)
        set_or_return(:server_name, arg, kind_of: String)
      end
    end
  end
end
